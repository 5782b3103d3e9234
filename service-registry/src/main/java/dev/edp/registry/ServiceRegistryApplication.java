package dev.edp.registry;

import de.codecentric.boot.admin.server.config.EnableAdminServer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.netflix.eureka.server.EnableEurekaServer;

/**
 * The registry every service registers with (Eureka), and Spring Boot Admin, which finds
 * the services through it and shows their JVM-level views.
 */
@SpringBootApplication
@EnableEurekaServer
@EnableAdminServer
public class ServiceRegistryApplication {

    /**
     * @param args command line
     */
    public static void main(String[] args) {
        SpringApplication.run(ServiceRegistryApplication.class, args);
    }

}
