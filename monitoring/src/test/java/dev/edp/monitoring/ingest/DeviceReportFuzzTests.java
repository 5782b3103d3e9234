package dev.edp.monitoring.ingest;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import jakarta.validation.Validator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes what devices send to monitoring: heartbeats and container reports (the first
 * byte picks which), read by the JSON mapper and checked by the Bean Validation the
 * service configures (its application.yml and the starter's defaults, the
 * auto-configurations Spring MVC uses). The contract: malformed JSON (400
 * {@code MALFORMED_REQUEST_BODY}), constraint violations (400 {@code VALIDATION_FAILED}),
 * or a report the batch writer can store: all required values present, numbers in range,
 * and no text PostgreSQL refuses (NUL), because one such report in a batch would fail the
 * flush of every device's heartbeats. Seeds:
 * {@code DeviceReportFuzzTestsInputs/reportsAreRefusedOrStorable/}.
 */
class DeviceReportFuzzTests {

    private static final Set<String> STATES = Set.of("reconciling", "not ready", "ready", "reconciliation failed",
            "deleting");

    private static ConfigurableApplicationContext context;

    private static JsonMapper json;

    private static Validator validator;

    @BeforeAll
    static void readers() {
        context = new SpringApplicationBuilder(Readers.class).web(WebApplicationType.NONE)
            .bannerMode(Banner.Mode.OFF)
            .logStartupInfo(false)
            .run();
        json = context.getBean(JsonMapper.class);
        validator = context.getBean(Validator.class);
    }

    @AfterAll
    static void close() {
        context.close();
    }

    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({ "\\u0000", "\"containers\"", "\"state\"", "\"ready\"", "\"reconciliation failed\"",
            "\"usedBytes\"", "\"totalBytes\"", "1e400", "-0" })
    void reportsAreRefusedOrStorable(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        boolean heartbeat = (input[0] & 1) == 0;
        Class<?> type = heartbeat ? HeartbeatRequest.class : ContainerReportRequest.class;
        Object report;
        try {
            report = json.readValue(body, type);
        }
        catch (JacksonException ex) {
            return;
        }
        if (report == null || !validator.validate(report).isEmpty()) {
            return;
        }
        if (report instanceof HeartbeatRequest beat) {
            assertStorable(beat);
        }
        else {
            assertStorable((ContainerReportRequest) report);
        }
    }

    private static void assertStorable(HeartbeatRequest beat) {
        assertThat(beat.uptimeSeconds()).isNotNull().isNotNegative();
        assertThat(beat.cpuLoad()).isNotNull().isBetween(0.0, 100.0);
        assertText(beat.agentVersion(), 64);
        assertThat(beat.agentVersion()).isNotBlank();
        if (beat.osVersion() != null) {
            assertText(beat.osVersion(), 128);
        }
        for (HeartbeatRequest.Usage usage : new HeartbeatRequest.Usage[] { beat.memory(), beat.systemDisk(),
                beat.containerDisk() }) {
            assertThat(usage.usedBytes()).isNotNull().isNotNegative().isLessThanOrEqualTo(usage.totalBytes());
        }
        assertThat(beat.containers().running()).isNotNull()
            .isNotNegative()
            .isLessThanOrEqualTo(beat.containers().total());
    }

    private static void assertStorable(ContainerReportRequest report) {
        if (report.containers() == null) {
            return;
        }
        assertThat(report.containers()).hasSizeLessThanOrEqualTo(200).doesNotContainNull();
        Set<String> names = new HashSet<>();
        for (ContainerReportRequest.Container container : report.containers()) {
            assertText(container.name(), 253);
            assertThat(container.name()).isNotBlank();
            assertThat(names.add(container.name())).as("unique names").isTrue();
            assertThat(container.state()).isIn(STATES);
            if (container.image() != null) {
                assertText(container.image(), 512);
            }
            if (container.message() != null) {
                assertText(container.message(), 2000);
            }
        }
    }

    private static void assertText(String text, int max) {
        assertThat(text).isNotNull().doesNotContain("\0");
        assertThat(text.length()).isLessThanOrEqualTo(max);
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({ JacksonAutoConfiguration.class, ValidationAutoConfiguration.class })
    static class Readers {

    }

}
