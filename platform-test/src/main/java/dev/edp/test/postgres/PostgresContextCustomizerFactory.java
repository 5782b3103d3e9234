package dev.edp.test.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import dev.edp.test.net.FaultProxy;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Registered in {@code spring.factories}; acts on classes annotated {@link WithPostgres},
 * and puts a {@link FaultProxy} in between for those also annotated
 * {@link WithPostgresFaults}.
 */
class PostgresContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        return TestContextAnnotationUtils.hasAnnotation(testClass, WithPostgres.class) ? new PostgresContextCustomizer(
                TestContextAnnotationUtils.hasAnnotation(testClass, WithPostgresFaults.class)) : null;
    }

    /**
     * Instances with the same proxying are equal, so contexts that differ in nothing else
     * are still cached and shared.
     *
     * @param proxied whether the database is reached through a {@link FaultProxy} bean
     */
    record PostgresContextCustomizer(boolean proxied) implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
            TestPostgres.Database database = TestPostgres.get().createDatabase();
            String url = database.url();
            if (proxied) {
                FaultProxy proxy;
                try {
                    proxy = FaultProxy.inFrontOf(url);
                }
                catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
                // Left open when the context closes: the pool and buffers still write on
                // their way down.
                context.getBeanFactory().registerSingleton("postgresFaultProxy", proxy);
                url = proxy.jdbcUrl(url);
            }
            TestPropertyValues
                .of("spring.datasource.url=" + url, "spring.datasource.username=" + database.user(),
                        "spring.datasource.password=" + database.password())
                .applyTo(context);
        }
    }

}
