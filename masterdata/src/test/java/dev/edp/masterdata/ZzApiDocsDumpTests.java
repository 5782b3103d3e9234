package dev.edp.masterdata;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

@EdpServiceTest
class ZzApiDocsDumpTests {

    @Autowired
    ServiceSmokeChecks checks;

    @Test
    void dump() throws Exception {
        var response = ServiceSmokeChecks.send("GET", checks.baseUrl() + "/v3/api-docs", null, null);
        Files.writeString(Path.of(System.getProperty("dumpTo", "/tmp/h12a-apidocs-masterdata.json")), response.body());
    }
}
