package dev.edp.test.security;

import java.util.List;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.util.ClassUtils;

/**
 * Registered in {@code spring.factories}; acts on classes annotated
 * {@link WithTestJwtIssuer}.
 */
class TestJwtIssuerContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        return TestContextAnnotationUtils.hasAnnotation(testClass, WithTestJwtIssuer.class) ? new Customizer() : null;
    }

    static final class Customizer implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
            // Registered before the context refreshes. The service builds its own decoder
            // around the test key, so tests go through its real token rules (issuer,
            // expiry, audience, type).
            TestPropertyValues
                .of("spring.security.oauth2.resourceserver.jwt.issuer-uri=" + TestJwtIssuer.ISSUER,
                        "spring.security.oauth2.resourceserver.jwt.public-key-location="
                                + TestJwtIssuer.publicKeyLocation())
                .applyTo(context);
            registerServiceTokenSource(context);
        }

        /**
         * Calls between services ({@code dev.edp.platform.client.ServiceCalls}) present
         * tokens of the test issuer with the {@code platform-service} role. Built as a
         * proxy because this module cannot depend on the starter (the starter's tests
         * depend on it).
         */
        private static void registerServiceTokenSource(ConfigurableApplicationContext context) {
            ClassLoader loader = context.getClassLoader() != null ? context.getClassLoader()
                    : TestJwtIssuerContextCustomizerFactory.class.getClassLoader();
            String type = "dev.edp.platform.client.ServiceTokenSource";
            if (!ClassUtils.isPresent(type, loader)) {
                return;
            }
            Class<?> sourceType = ClassUtils.resolveClassName(type, loader);
            Object source = java.lang.reflect.Proxy.newProxyInstance(loader, new Class<?>[] { sourceType },
                    (proxy, method, args) -> switch (method.getName()) {
                        case "accessToken" -> TestJwtIssuer.serviceToken();
                        case "toString" -> "test service tokens";
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
            context.getBeanFactory().registerSingleton("testServiceTokenSource", source);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Customizer;
        }

        @Override
        public int hashCode() {
            return Customizer.class.hashCode();
        }

    }

}
