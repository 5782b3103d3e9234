package dev.edp.onboarding;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Entry point of the onboarding service. */
@SpringBootApplication
public class OnboardingApplication {

    /** @param args command line */
    public static void main(String[] args) {
        SpringApplication.run(OnboardingApplication.class, args);
    }
}
