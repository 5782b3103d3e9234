package dev.edp.test.postgres;

import java.util.List;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/** Registered in {@code spring.factories}; acts on classes annotated {@link WithPostgres}. */
class PostgresContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        return TestContextAnnotationUtils.hasAnnotation(testClass, WithPostgres.class)
                ? new PostgresContextCustomizer()
                : null;
    }

    /** All instances are equal, so contexts that differ in nothing else are still cached and shared. */
    static final class PostgresContextCustomizer implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
            TestPostgres.Database database = TestPostgres.get().createDatabase();
            TestPropertyValues.of(
                    "spring.datasource.url=" + database.url(),
                    "spring.datasource.username=" + database.user(),
                    "spring.datasource.password=" + database.password())
                    .applyTo(context);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof PostgresContextCustomizer;
        }

        @Override
        public int hashCode() {
            return PostgresContextCustomizer.class.hashCode();
        }
    }
}
