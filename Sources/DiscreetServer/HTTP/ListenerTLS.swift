import NIOSSL

/// The listener's TLS (swift-nio-ssl): TLS 1.2 at least, the certificate chain and key from PEM
/// files. With a client CA, a client may present a certificate: one that does not chain to the CA
/// ends the handshake; none at all is accepted (apps authenticate by key), and the pull routes
/// map a validated one to its provider (`ClientCertificateMiddleware`).
public enum ListenerTLS {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func configuration(_ files: ServiceConfiguration.TLSFiles) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificateChain)
        } catch {
            throw Failure(description: "cannot read a PEM certificate chain from \(files.certificateChain)")
        }
        do {
            key = try NIOSSLPrivateKey(file: files.privateKey, format: .pem)
        } catch {
            throw Failure(description: "cannot read a PEM private key from \(files.privateKey)")
        }
        guard !chain.isEmpty else { throw Failure(description: "\(files.certificateChain) holds no certificate") }
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        if let ca = files.clientCA {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
            } catch {
                throw Failure(description: "cannot read the client CA's PEM certificates from \(ca)")
            }
            tls.certificateVerification = .optionalVerification
        }
        return tls
    }
}
