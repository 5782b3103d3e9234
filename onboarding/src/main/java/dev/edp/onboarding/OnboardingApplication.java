package dev.edp.onboarding;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Entry point of the onboarding service. */
@SpringBootApplication
@EnableScheduling
public class OnboardingApplication {

    /** @param args command line */
    public static void main(String[] args) {
        SpringApplication.run(OnboardingApplication.class, args);
    }
}
