import Crypto
import DiscreetJSON
import DiscreetStore
import Hummingbird
import NIOSSL
import X509

/// On pull routes, a provider may authenticate with a TLS client certificate instead of a key: a
/// certificate the listener validated against `--tls-client-ca` whose subject's common name is
/// `<id>` acts as `provider:<id>`, and only as that. A request that also carries
/// `Authorization` is authenticated by its key alone; one with neither is refused by the key check.
struct ClientCertificateMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        guard request.headers[.authorization] == nil,
            let presented = try? await context.channel.nioSSL_peerCertificate().get(),
            let der = try? presented.toDERBytes(), let certificate = try? Certificate(derEncoded: der),
            let provider = Self.providerID(certificate.subject)
        else { return try await next(request, context) }
        var context = context
        // Named in the ledger like a key id: 12 hex digits of the certificate's SHA-256.
        let fingerprint = ByteText.hex(SHA256.hash(data: der)).prefix(12)
        context.principal = Principal(keyID: "cert-\(fingerprint)", roles: [.provider(provider)])
        return try await next(request, context)
    }

    /// The subject's one common name, when it is a plausible provider id.
    static func providerID(_ subject: DistinguishedName) -> String? {
        let names = subject.flatMap { $0 }.filter { $0.type == .RDNAttributeType.commonName }
        guard names.count == 1, let cn = String(names[0].value), !cn.isEmpty, cn.count <= 200,
            cn.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F })
        else { return nil }
        return cn
    }
}
