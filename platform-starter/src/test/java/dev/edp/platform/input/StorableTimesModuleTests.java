package dev.edp.platform.input;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StorableTimesModuleTests {

    record Times(Instant at, LocalDate day, OffsetDateTime local) {
    }

    private final JsonMapper json = JsonMapper.builder().addModule(new StorableTimesModule()).build();

    @ParameterizedTest
    @ValueSource(strings = { "{\"at\":\"+100000-01-01T00:00:00Z\"}", "{\"at\":\"-1000000000-01-01T00:00:00Z\"}",
            "{\"at\":\"0000-12-31T23:59:59Z\"}", "{\"day\":\"+999999999-12-31\"}", "{\"day\":\"-0001-01-01\"}",
            "{\"local\":\"+10001-01-01T00:00:00+02:00\"}" })
    void yearsPostgresCannotHoldAreRefusedWhileReading(String body) {
        assertThatThrownBy(() -> json.readValue(body, Times.class)).isInstanceOf(JacksonException.class);
    }

    @Test
    void ordinaryDatesAndTimesAndTheEdgesReadAsBefore() {
        Times times = json.readValue("""
                {"at":"9999-12-31T23:59:59.999Z","day":"0001-01-01","local":"2026-12-05T10:00:00+01:00"}""",
                Times.class);
        assertThat(times.at()).isEqualTo(Instant.parse("9999-12-31T23:59:59.999Z"));
        assertThat(times.day()).isEqualTo(LocalDate.of(1, 1, 1));
        assertThat(times.local().toInstant()).isEqualTo(Instant.parse("2026-12-05T09:00:00Z"));
        assertThat(json.readValue("{\"at\":null}", Times.class).at()).isNull();
    }

}
