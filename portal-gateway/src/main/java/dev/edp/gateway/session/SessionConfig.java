package dev.edp.gateway.session;

import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
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
class SessionConfig {

    /** Name of the session cookie. */
    static final String COOKIE = "EDP_SESSION";

    @Bean
    JdbcReactiveSessionRepository reactiveSessionRepository(JdbcClient jdbc,
            @Value("${edp.session.max-inactive:PT30M}") Duration maxInactive) {
        return new JdbcReactiveSessionRepository(jdbc, maxInactive);
    }

    @Bean
    WebSessionIdResolver webSessionIdResolver(@Value("${edp.session.secure-cookie:false}") boolean secure) {
        CookieWebSessionIdResolver resolver = new CookieWebSessionIdResolver();
        resolver.setCookieName(COOKIE);
        resolver.addCookieInitializer((ResponseCookie.ResponseCookieBuilder cookie) -> cookie.httpOnly(true)
            .secure(secure)
            .sameSite("Lax")
            .path("/"));
        return resolver;
    }

}
