package dev.edp.platform.config;

import dev.edp.platform.input.EdpInputAutoConfiguration;
import dev.edp.platform.input.ReactiveRequestInputFilter;
import dev.edp.platform.input.RequestInputFilter;
import dev.edp.platform.input.StorableTimesModule;
import dev.edp.platform.input.WebInputProperties;
import dev.edp.platform.security.EdpSecurityObservationAutoConfiguration;
import dev.edp.platform.web.EdpWebAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MeterRegistryCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.util.unit.DataSize;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's smaller auto-configurations: where each applies, what it binds, and that
 * it backs off.
 */
class StarterAutoConfigurationsTests {

    @Test
    void everyServiceTagsItsMetricsWithItsNameAndInstance() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(EdpCoreAutoConfiguration.class))
            .withPropertyValues("spring.application.name=monitoring")
            .run(context -> {
                @SuppressWarnings("unchecked")
                MeterRegistryCustomizer<MeterRegistry> tags = context.getBean(MeterRegistryCustomizer.class);
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                tags.customize(registry);
                assertThat(registry.counter("x").getId().getTag("application")).isEqualTo("monitoring");
                assertThat(registry.counter("x").getId().getTag("instance")).isNotBlank();
            });
    }

    @Test
    void theRequestInputFilterFitsTheWebStackAndItsLimitsAreBoundWithDefaults() {
        AutoConfigurations input = AutoConfigurations.of(EdpInputAutoConfiguration.class);
        new WebApplicationContextRunner().withConfiguration(input).run(context -> {
            assertThat(context).hasSingleBean(RequestInputFilter.class)
                .doesNotHaveBean(ReactiveRequestInputFilter.class)
                .hasSingleBean(StorableTimesModule.class);
            assertThat(context.getBean(WebInputProperties.class).maxRequestSize()).isEqualTo(DataSize.ofMegabytes(1));
            assertThat(context.getBean(WebInputProperties.class).maxParameterLength()).isEqualTo(2048);
        });
        new ReactiveWebApplicationContextRunner().withConfiguration(input)
            .withPropertyValues("edp.web.max-request-size=5MB", "edp.web.max-parameter-length=100")
            .run(context -> {
                assertThat(context).hasSingleBean(ReactiveRequestInputFilter.class)
                    .doesNotHaveBean(RequestInputFilter.class);
                assertThat(context.getBean(WebInputProperties.class).maxRequestSize())
                    .isEqualTo(DataSize.ofMegabytes(5));
                assertThat(context.getBean(WebInputProperties.class).maxParameterLength()).isEqualTo(100);
            });
        new ApplicationContextRunner().withConfiguration(input)
            .run(context -> assertThat(context).doesNotHaveBean(RequestInputFilter.class)
                .doesNotHaveBean(ReactiveRequestInputFilter.class));
    }

    @Test
    void springSecurityObservationsAreOffOnlyWhenTheSettingSaysSoAndAnOwnSettingWins() {
        AutoConfigurations observations = AutoConfigurations.of(EdpSecurityObservationAutoConfiguration.class);
        new ApplicationContextRunner().withConfiguration(observations)
            .withPropertyValues("management.observations.enable.spring.security=false")
            .run(context -> assertThat(context).hasSingleBean(SecurityObservationSettings.class));
        new ApplicationContextRunner().withConfiguration(observations)
            .run(context -> assertThat(context).doesNotHaveBean(SecurityObservationSettings.class));
        SecurityObservationSettings own = SecurityObservationSettings.withDefaults().build();
        new ApplicationContextRunner().withConfiguration(observations)
            .withPropertyValues("management.observations.enable.spring.security=false")
            .withBean(SecurityObservationSettings.class, () -> own)
            .run(context -> assertThat(context.getBean(SecurityObservationSettings.class)).isSameAs(own));
    }

    @Test
    void listsAreResolvedInServletServicesOnly() {
        AutoConfigurations web = AutoConfigurations.of(EdpWebAutoConfiguration.class);
        new WebApplicationContextRunner().withConfiguration(web)
            .run(context -> assertThat(context).hasBean("edpListRequestArgumentResolver"));
        new ReactiveWebApplicationContextRunner().withConfiguration(web)
            .run(context -> assertThat(context).doesNotHaveBean(WebMvcConfigurer.class));
    }

}
