package dev.edp.platform.gateway;

import java.util.List;

import reactor.core.publisher.Flux;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

/**
 * A service's instances without those that refused a connection a moment ago
 * ({@link RefusedInstances}); all of them when every one did, so that a service whose
 * only instance restarts is tried again at once.
 */
public final class SkipRefusedInstances extends DelegatingServiceInstanceListSupplier {

    private final RefusedInstances refused;

    /**
     * @param delegate the instances (discovery, cached)
     * @param refused the refusals seen by this gateway
     */
    public SkipRefusedInstances(ServiceInstanceListSupplier delegate, RefusedInstances refused) {
        super(delegate);
        this.refused = refused;
    }

    @Override
    public Flux<List<ServiceInstance>> get() {
        return delegate.get().map(this::withoutRefused);
    }

    @Override
    public Flux<List<ServiceInstance>> get(Request request) {
        return delegate.get(request).map(this::withoutRefused);
    }

    private List<ServiceInstance> withoutRefused(List<ServiceInstance> instances) {
        if (!refused.any()) {
            // Every device request through E3 comes here: no copy when nothing refused.
            return instances;
        }
        List<ServiceInstance> answering = instances.stream()
            .filter(instance -> !refused.recentlyRefused(instance))
            .toList();
        return answering.isEmpty() ? instances : answering;
    }

}
