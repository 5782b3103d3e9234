package dev.edp.masterdata;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Entry point of the masterdata service. */
@SpringBootApplication
public class MasterdataApplication {

    /**
     * @param args command line
     */
    public static void main(String[] args) {
        SpringApplication.run(MasterdataApplication.class, args);
    }

}
