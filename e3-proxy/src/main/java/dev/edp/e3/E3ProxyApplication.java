package dev.edp.e3;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * E3, the device endpoint: the only door devices use. Terminates TLS with client
 * certificates, checks every request's certificate (chain, validity, revocation),
 * forwards the device as a signed assertion and routes to onboarding, monitoring and
 * device-management. See README.md.
 */
@SpringBootApplication
public class E3ProxyApplication {

    /**
     * @param args command line
     */
    public static void main(String[] args) {
        SpringApplication.run(E3ProxyApplication.class, args);
    }

}
