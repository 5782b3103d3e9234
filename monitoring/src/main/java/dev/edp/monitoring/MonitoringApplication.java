package dev.edp.monitoring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Entry point of the monitoring service. */
@SpringBootApplication
public class MonitoringApplication {

    /**
     * @param args command line
     */
    public static void main(String[] args) {
        SpringApplication.run(MonitoringApplication.class, args);
    }

}
