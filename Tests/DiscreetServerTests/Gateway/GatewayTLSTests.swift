import AsyncHTTPClient
import Crypto
import DiscreetJSON
import DiscreetServer
import DiscreetTestSupport
import Foundation
import NIOCore
import NIOSSL
import Testing
import X509

/// discreet's own listener over TLS, and providers authenticating on pull routes with a client
/// certificate issued by the configured CA: real certificates, a real handshake on loopback.
@Suite struct GatewayTLSTests {
    /// A CA, a server certificate for localhost, a client certificate for `facturo` from the CA,
    /// and a look-alike `facturo` certificate that signs itself.
    struct PKI {
        let directory: String
        let caPEM: String
        let client: (cert: NIOSSLCertificate, key: NIOSSLPrivateKey)
        let rogue: (cert: NIOSSLCertificate, key: NIOSSLPrivateKey)
        var files: ServiceConfiguration.TLSFiles {
            .init(
                certificateChain: directory + "/server.pem", privateKey: directory + "/server.key",
                clientCA: directory + "/ca.pem")
        }

        static func issue(
            _ cn: String, key: P256.Signing.PrivateKey, by issuer: DistinguishedName, issuerKey: P256.Signing.PrivateKey,
            ca: Bool = false
        )
            throws -> Certificate
        {
            let now = Date()
            return try Certificate(
                version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey), notValidBefore: now - 3600,
                notValidAfter: now + 3600, issuer: issuer, subject: try DistinguishedName { CommonName(cn) },
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(
                        ca
                            ? BasicConstraints.isCertificateAuthority(maxPathLength: nil)
                            : BasicConstraints.notCertificateAuthority)
                    if !ca { SubjectAlternativeNames([.dnsName("localhost")]) }
                },
                issuerPrivateKey: .init(issuerKey))
        }

        init() throws {
            directory = NSTemporaryDirectory() + "discreet-tls-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let caKey = P256.Signing.PrivateKey()
            let caName = try DistinguishedName { CommonName("discreet test providers CA") }
            let ca = try Self.issue("discreet test providers CA", key: caKey, by: caName, issuerKey: caKey, ca: true)
            let serverKey = P256.Signing.PrivateKey()
            let server = try Self.issue("localhost", key: serverKey, by: caName, issuerKey: caKey)
            let clientKey = P256.Signing.PrivateKey()
            let client = try Self.issue("facturo", key: clientKey, by: caName, issuerKey: caKey)
            let rogueKey = P256.Signing.PrivateKey()
            let rogue = try Self.issue(
                "facturo", key: rogueKey, by: try DistinguishedName { CommonName("facturo") }, issuerKey: rogueKey)
            caPEM = try ca.serializeAsPEM().pemString
            try caPEM.write(toFile: directory + "/ca.pem", atomically: true, encoding: .utf8)
            try server.serializeAsPEM().pemString.write(toFile: directory + "/server.pem", atomically: true, encoding: .utf8)
            try serverKey.pemRepresentation.write(toFile: directory + "/server.key", atomically: true, encoding: .utf8)
            func nio(_ c: Certificate, _ k: P256.Signing.PrivateKey) throws -> (NIOSSLCertificate, NIOSSLPrivateKey) {
                (
                    try NIOSSLCertificate(bytes: Array(c.serializeAsPEM().pemString.utf8), format: .pem),
                    try NIOSSLPrivateKey(bytes: Array(k.pemRepresentation.utf8), format: .pem)
                )
            }
            self.client = try nio(client, clientKey)
            self.rogue = try nio(rogue, rogueKey)
        }

        func httpClient(presenting identity: (cert: NIOSSLCertificate, key: NIOSSLPrivateKey)?) throws -> HTTPClient {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
            if let identity {
                tls.certificateChain = [.certificate(identity.cert)]
                tls.privateKey = .privateKey(identity.key)
            }
            return HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        }
    }

    @Test func aProviderPullsWithItsCertificateAndOnlyAsItself() async throws {
        let pki = try PKI()
        defer { try? FileManager.default.removeItem(atPath: pki.directory) }
        let port = TestPort.unused()
        let f = try await GatewayFixture(port: port, tls: pki.files)
        let h = f.harness
        let withCert = try pki.httpClient(presenting: pki.client)
        let rogue = try pki.httpClient(presenting: pki.rogue)
        let anonymous = try pki.httpClient(presenting: nil)
        // Shut down whatever happens: a client left running aborts the whole test process.
        do {
            try await pulls(f, h, port, withCert, rogue, anonymous)
        } catch {
            for c in [withCert, rogue, anonymous] { try? await c.shutdown() }
            throw error
        }
        try await withCert.shutdown()
        try await rogue.shutdown()
        try await anonymous.shutdown()
    }

    func pulls(
        _ f: GatewayFixture, _ h: Harness, _ port: Int, _ withCert: HTTPClient, _ rogue: HTTPClient, _ anonymous: HTTPClient
    ) async throws {
        try await f.prepared {
            let app = try h.app
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.run() }
                let base = "https://localhost:\(port)"
                for _ in 0..<100 {
                    if (try? await anonymous.execute(HTTPClientRequest(url: base + "/health"), timeout: .seconds(1))) != nil {
                        break
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
                // The certificate's CN is the provider: facturo's route answers, recouvra's does not.
                let own = try await withCert.execute(
                    HTTPClientRequest(url: base + "/pull/fetch/patients/p-1"), timeout: .seconds(30))
                #expect(own.status == .ok)
                let body = try await own.body.collect(upTo: 1 << 20)
                #expect(try JSONParser.parse(Array(body.readableBytesView))["name"] == "Zelda Quixote-Marsh")
                let other = try await withCert.execute(
                    HTTPClientRequest(url: base + "/pull/fetch-for-recouvra/patients/p-1"), timeout: .seconds(30))
                #expect(other.status == .forbidden)
                // A certificate is no key anywhere else.
                var disclose = HTTPClientRequest(url: base + "/v1/disclosures")
                disclose.method = .POST
                #expect(try await withCert.execute(disclose, timeout: .seconds(30)).status == .unauthorized)
                // No certificate and no key: 401; a key over TLS still works.
                #expect(
                    try await anonymous.execute(HTTPClientRequest(url: base + "/pull/fetch/patients/p-1"), timeout: .seconds(30))
                        .status == .unauthorized)
                var keyed = HTTPClientRequest(url: base + "/pull/fetch/patients/p-1")
                keyed.headers.add(name: "Authorization", value: "Bearer \(h.keys["provider:facturo"]!)")
                #expect(try await anonymous.execute(keyed, timeout: .seconds(30)).status == .ok)
                // A look-alike certificate the CA did not issue ends the handshake.
                await #expect(throws: (any Error).self) {
                    _ = try await rogue.execute(HTTPClientRequest(url: base + "/pull/fetch/patients/p-1"), timeout: .seconds(30))
                }
                // The ledger names the certificate, not a key.
                let entry = try await h.store.entry(index: 0)
                let json = try JSONParser.parse(try #require(entry).entry)
                #expect(json["key_id"]?.stringValue?.hasPrefix("cert-") == true)
                group.cancelAll()
            }
        }
    }
}
