package dev.edp.monitoring.notification;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import dev.edp.platform.config.EdpDefaultsEnvironmentPostProcessor;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.mail.autoconfigure.MailSenderAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The platform's mail defaults (starter) give JavaMail timeouts: an SMTP server that
 * takes the connection and never answers fails the send after 10 s instead of holding the
 * notification sender, and the lock it runs under, forever (JavaMail's own default).
 */
class SmtpTimeoutTests {

    @Test
    void aSilentSmtpServerFailsTheSendWithinTheTimeoutInsteadOfHangingTheSender() throws Exception {
        // The kernel completes the TCP handshake from the backlog; nothing ever answers.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(MailSenderAutoConfiguration.class))
                .withInitializer(context -> new EdpDefaultsEnvironmentPostProcessor()
                    .postProcessEnvironment(context.getEnvironment(), new SpringApplication()))
                .withPropertyValues("spring.mail.host=127.0.0.1", "spring.mail.port=" + silent.getLocalPort())
                .run(context -> {
                    JavaMailSender sender = context.getBean(JavaMailSender.class);
                    SimpleMailMessage message = new SimpleMailMessage();
                    message.setFrom("edp-alerts@localhost");
                    message.setTo("ops@example.com");
                    message.setSubject("[EDP] Alert");
                    message.setText("text");
                    long start = System.nanoTime();
                    assertTimeoutPreemptively(Duration.ofSeconds(60),
                            () -> assertThatThrownBy(() -> sender.send(message)).isInstanceOf(MailException.class));
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30))
                        .isGreaterThanOrEqualTo(Duration.ofSeconds(9));
                });
        }
    }

}
