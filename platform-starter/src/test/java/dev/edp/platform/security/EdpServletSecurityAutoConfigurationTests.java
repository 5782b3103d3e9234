package dev.edp.platform.security;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.DefaultSecurityFilterChain;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EdpServletSecurityAutoConfiguration} backs off for a service's own decoder and
 * filter chain.
 */
class EdpServletSecurityAutoConfigurationTests {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EdpServletSecurityAutoConfiguration.class));

    @Test
    void aServicesOwnDecoderAndFilterChainAreKeptAndTheRoleHierarchyStillApplies() {
        JwtDecoder own = token -> {
            throw new UnsupportedOperationException(token);
        };
        SecurityFilterChain chain = new DefaultSecurityFilterChain(AnyRequestMatcher.INSTANCE);
        runner.withBean(JwtDecoder.class, () -> own).withBean(SecurityFilterChain.class, () -> chain).run(context -> {
            assertThat(context.getBean(JwtDecoder.class)).isSameAs(own);
            assertThat(context.getBean(SecurityFilterChain.class)).isSameAs(chain);
            assertThat(context.getBean(RoleHierarchy.class)
                .getReachableGrantedAuthorities(List.of(new SimpleGrantedAuthority("ROLE_operator")))
                .stream()
                .map(GrantedAuthority::getAuthority)).containsExactlyInAnyOrder("ROLE_operator", "ROLE_viewer");
        });
    }

    @Test
    void doesNotApplyToAReactiveApplication() {
        new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EdpServletSecurityAutoConfiguration.class))
            .run(context -> assertThat(context).doesNotHaveBean(JwtDecoder.class).doesNotHaveBean(RoleHierarchy.class));
    }

}
