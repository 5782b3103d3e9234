package dev.edp.masterdata.machine;

import java.util.List;
import java.util.UUID;

import dev.edp.masterdata.support.VersionedResponses;
import dev.edp.platform.security.EdpRoles;
import dev.edp.platform.security.HasRole;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.Labels;
import dev.edp.platform.web.ListParameters;
import dev.edp.platform.web.ListRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/masterdata/v1/machines")
@Tag(name = "Machines", description = "The equipment edge devices are attached to")
class MachineController {

    private final MachineService machines;

    MachineController(MachineService machines) {
        this.machines = machines;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @HasRole(EdpRoles.OPERATOR)
    @Operation(summary = "Create a machine (operator); a platform-admin names the customer")
    ResponseEntity<MachineResponse> create(Tenant tenant, @Valid @RequestBody MachineRequest request) {
        Machine machine = machines.create(tenant, request);
        return VersionedResponses.created("/api/masterdata/v1/machines/" + machine.id(), machine.version(),
                MachineResponse.of(machine));
    }

    @GetMapping
    @HasRole(EdpRoles.VIEWER)
    @Operation(summary = "List machines, keyset-paged, filtered and sorted")
    KeysetPage<MachineResponse> list(Tenant tenant,
            @ListParameters(sort = "name (default) or createdAt; prefix - for descending") ListRequest list,
            @RequestParam(required = false) MachineType type, @RequestParam(required = false) String site,
            @RequestParam(required = false) String manufacturer, @RequestParam(required = false) String serialNumber,
            @Parameter(description = "part of the name, ignoring case") @RequestParam(required = false) String q,
            @Parameter(description = "key:value; repeat for several labels, all must match") @RequestParam(
                    required = false) List<String> label) {
        return machines.list(tenant, list,
                new MachineFilter(type, site, manufacturer, serialNumber, q, Labels.filter(label)));
    }

    @GetMapping("/{id}")
    @HasRole(EdpRoles.VIEWER)
    @Operation(summary = "Read a machine")
    ResponseEntity<MachineResponse> get(Tenant tenant, @PathVariable UUID id) {
        return ok(machines.get(tenant, id));
    }

    @PutMapping("/{id}")
    @HasRole(EdpRoles.OPERATOR)
    @Operation(summary = "Replace a machine's data (operator); needs If-Match")
    ResponseEntity<MachineResponse> update(Tenant tenant, @PathVariable UUID id,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @Valid @RequestBody MachineRequest request) {
        return ok(machines.update(tenant, id, ifMatch, request));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @HasRole(EdpRoles.OPERATOR)
    @Operation(summary = "Delete a machine (operator); needs If-Match")
    ResponseEntity<Void> delete(Tenant tenant, @PathVariable UUID id,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        machines.delete(tenant, id, ifMatch);
        return ResponseEntity.noContent().build();
    }

    private static ResponseEntity<MachineResponse> ok(Machine machine) {
        return VersionedResponses.ok(machine.version(), MachineResponse.of(machine));
    }

}
