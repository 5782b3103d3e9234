package dev.edp.gateway.session;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ResponseCookie;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.session.config.annotation.web.server.EnableSpringWebSession;
import org.springframework.web.server.session.CookieWebSessionIdResolver;
import org.springframework.web.server.session.WebSessionIdResolver;

/**
 * The portal's session: a PostgreSQL row on the server, an HTTP-only cookie in the
 * browser.
 */
@Configuration(proxyBeanMethods = false)
@EnableSpringWebSession
@EnableScheduling
@EnableConfigurationProperties(SessionProperties.class)
class SessionConfig {

    /** Name of the session cookie. */
    static final String COOKIE = "EDP_SESSION";

    @Bean
    JdbcReactiveSessionRepository reactiveSessionRepository(JdbcClient jdbc, SessionProperties properties) {
        return new JdbcReactiveSessionRepository(jdbc, properties.maxInactive());
    }

    @Bean
    WebSessionIdResolver webSessionIdResolver(SessionProperties properties) {
        CookieWebSessionIdResolver resolver = new CookieWebSessionIdResolver();
        resolver.setCookieName(COOKIE);
        resolver.addCookieInitializer((ResponseCookie.ResponseCookieBuilder cookie) -> cookie.httpOnly(true)
            .secure(properties.secureCookie())
            .sameSite("Lax")
            .path("/"));
        return resolver;
    }

}
