package dev.edp.e3;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * E3, the device endpoint: the only door devices use. Routes device traffic to onboarding,
 * monitoring and device-management. (mTLS termination, revocation and the device identity
 * assertion are not built yet.)
 */
@SpringBootApplication
public class E3ProxyApplication {

    /** @param args command line */
    public static void main(String[] args) {
        SpringApplication.run(E3ProxyApplication.class, args);
    }
}
