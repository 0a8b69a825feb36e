import DiscreetPolicy
import Foundation
import Synchronization

/// The credentials the gateway presents upstream, by the name a route gives them: the variable
/// `DISCREET_UPSTREAM_<NAME>` (upper case, `-` as `_`), else the file `<directory>/NAME`, which
/// only its owner may read. The bundle names a credential and never holds it; no credential is
/// ever logged, answered or recorded.
public final class UpstreamSecrets: Sendable {
    public enum Failure: Error, Equatable {
        /// Neither the variable nor the file exists.
        case missing(name: String)
        /// The file exists but cannot be used (permissions, content); the reason is for operators.
        case unusable(name: String, reason: String)
    }

    let directory: String?
    let environment: [String: String]
    private let cache = Mutex<[String: String]>([:])

    /// `directory` is `<data-dir>/secrets/upstreams`; nil reads the environment alone.
    public init(directory: String?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.directory = directory
        self.environment = environment
    }

    public static func variable(for name: String) -> String {
        "DISCREET_UPSTREAM_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// The credential named `name`. Read once and kept: changing one takes a restart.
    public func secret(_ name: String) throws(Failure) -> String {
        if let hit = cache.withLock({ $0[name] }) { return hit }
        var value: String?
        if let v = environment[Self.variable(for: name)] {
            guard SecretFile.isSecretText(v.utf8) else {
                throw .unusable(name: name, reason: "\(Self.variable(for: name)) must be 1 to 4096 printable characters")
            }
            value = v
        } else if let directory {
            do {
                value = try SecretFile.loadText(path: directory + "/" + name, noun: "upstream credential")
            } catch let failure as SecretFile.Failure {
                throw .unusable(name: name, reason: failure.description)
            } catch {
                throw .unusable(name: name, reason: "cannot read it")
            }
        }
        guard let value else { throw .missing(name: name) }
        cache.withLock { $0[name] = value }
        return value
    }

    /// The header that carries a route's credential, or nil for a route without one.
    public func header(for auth: GatewayRoute.UpstreamAuth) throws(Failure) -> (name: String, value: String)? {
        guard let name = auth.secret else { return nil }
        let secret = try secret(name)
        switch auth {
        case .none: return nil
        case .bearer: return ("Authorization", "Bearer " + secret)
        case .basic: return ("Authorization", "Basic " + Data(secret.utf8).base64EncodedString())
        case .header(let header, _): return (header, secret)
        }
    }

    /// A problem for each route whose credential cannot be had now: a bundle is refused with them
    /// (at start and on upload), rather than answering 503 once traffic arrives.
    public func issues(for bundle: PolicyBundle) -> [BundleIssue] {
        var out: [BundleIssue] = []
        for route in bundle.gateway.values.sorted(by: { $0.id < $1.id }) {
            guard let name = route.auth.secret else { continue }
            let message: String
            do {
                _ = try secret(name)
                continue
            } catch {
                switch error {
                case .missing:
                    message =
                        "the credential '\(name)' is not available: set \(Self.variable(for: name)) or write it to "
                        + "<data-dir>/secrets/upstreams/\(name) (mode 0600)"
                case .unusable(_, let reason): message = reason
                }
            }
            out.append(BundleIssue(path: "/gateway/routes/\(route.id)/upstream/auth", line: nil, message: message))
        }
        return out
    }
}
