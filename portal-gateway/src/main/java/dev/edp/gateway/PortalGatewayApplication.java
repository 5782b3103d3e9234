package dev.edp.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The one entry point for the portal and the REST API: routes {@code /api/<service>/**}
 * to the services.
 */
@SpringBootApplication
public class PortalGatewayApplication {

    /**
     * @param args command line
     */
    public static void main(String[] args) {
        SpringApplication.run(PortalGatewayApplication.class, args);
    }

}
