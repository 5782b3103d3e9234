package dev.edp.masterdata.machine;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.Etags;
import dev.edp.platform.web.KeysetPage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
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
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Create a machine (operator); a platform-admin names the customer")
    ResponseEntity<MachineResponse> create(Tenant tenant, @Valid @RequestBody MachineRequest request) {
        Machine machine = machines.create(tenant, request);
        return ResponseEntity.created(URI.create("/api/masterdata/v1/machines/" + machine.id()))
                .eTag(Etags.of(machine.version())).body(MachineResponse.of(machine));
    }

    @GetMapping
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "List machines, keyset-paged, filtered and sorted")
    KeysetPage<MachineResponse> list(Tenant tenant,
            @Parameter(description = "only this customer's (platform-admin); others always see their own")
            @RequestParam(required = false) UUID customerId,
            @Parameter(description = "page size, 1 to 500, default 50") @RequestParam(required = false) Integer limit,
            @Parameter(description = "nextCursor of the previous page") @RequestParam(required = false) String cursor,
            @Parameter(description = "name (default) or createdAt; prefix - for descending")
            @RequestParam(required = false) String sort,
            @RequestParam(required = false) MachineType type,
            @RequestParam(required = false) String site,
            @RequestParam(required = false) String manufacturer,
            @RequestParam(required = false) String serialNumber,
            @Parameter(description = "part of the name, ignoring case") @RequestParam(required = false) String q,
            @Parameter(description = "key:value; repeat for several labels, all must match")
            @RequestParam(required = false) List<String> label) {
        return machines.list(tenant, customerId, limit, cursor, sort, type, site, manufacturer, serialNumber, q,
                label);
    }

    @GetMapping("/{id}")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Read a machine")
    ResponseEntity<MachineResponse> get(Tenant tenant, @PathVariable UUID id) {
        Machine machine = machines.get(tenant, id);
        return ResponseEntity.ok().eTag(Etags.of(machine.version())).body(MachineResponse.of(machine));
    }

    @PutMapping("/{id}")
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Replace a machine's data (operator); needs If-Match")
    ResponseEntity<MachineResponse> update(Tenant tenant, @PathVariable UUID id,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @Valid @RequestBody MachineRequest request) {
        Machine machine = machines.update(tenant, id, ifMatch, request);
        return ResponseEntity.ok().eTag(Etags.of(machine.version())).body(MachineResponse.of(machine));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Delete a machine (operator); needs If-Match")
    ResponseEntity<Void> delete(Tenant tenant, @PathVariable UUID id,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        machines.delete(tenant, id, ifMatch);
        return ResponseEntity.noContent().build();
    }
}
