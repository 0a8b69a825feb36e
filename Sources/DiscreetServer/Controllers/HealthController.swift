import DiscreetJSON
import Hummingbird

/// `GET /health` (the process answers) and `GET /ready` (store writable, policy loaded).
struct HealthController {
    let services: DiscreetServices

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("health") { _, _ in Response.json(["status": "ok"]) }
        router.get("ready") { _, _ in
            let storeOK = await services.store.isWritable()
            let policyOK = services.policy.active != nil
            let ready = storeOK && policyOK
            return Response.json(
                [
                    "status": .string(ready ? "ready" : "not-ready"),
                    "checks": ["store": .bool(storeOK), "policy": .bool(policyOK)],
                ], status: ready ? .ok : .serviceUnavailable)
        }
    }
}
