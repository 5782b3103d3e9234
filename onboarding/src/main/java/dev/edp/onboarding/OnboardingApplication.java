package dev.edp.onboarding;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Entry point of the onboarding service. */
@SpringBootApplication
@EnableScheduling
@EnableConfigurationProperties(OnboardingProperties.class)
public class OnboardingApplication {

    /**
     * @param args command line
     */
    public static void main(String[] args) {
        SpringApplication.run(OnboardingApplication.class, args);
    }

    /**
     * The time for CRLs and the renewal limits; tests replace it to make time-dependent
     * checks deterministic.
     */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

}
