package dev.edp.devicemanagement;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Entry point of the device-management service. */
@SpringBootApplication
public class DeviceManagementApplication {

    /**
     * @param args command line
     */
    public static void main(String[] args) {
        SpringApplication.run(DeviceManagementApplication.class, args);
    }

}
