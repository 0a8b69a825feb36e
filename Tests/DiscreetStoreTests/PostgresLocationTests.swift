import DiscreetPostgres
import Testing

/// `--store` URLs: what is read, and what is refused before any connection is tried.
@Suite struct PostgresLocationTests {
    @Test func tlsIsRequiredUnlessDisabledAndARootCertificateFileMayBeNamed() throws {
        let plain = try PostgresLocation(url: "postgres://app@db:5432/discreet")
        #expect(plain.requireTLS && plain.rootCertificates == nil)
        let required = try PostgresLocation(url: "postgres://app@db/discreet?sslmode=require")
        #expect(required.requireTLS && required.port == 5432)
        let ca = try PostgresLocation(url: "postgresql://app@db/discreet?sslmode=verify-full&sslrootcert=/etc/ca.pem")
        #expect(ca.requireTLS && ca.rootCertificates == "/etc/ca.pem")
        #expect(ca.description == "postgres://app@db:5432/discreet?sslrootcert=/etc/ca.pem")
        let disabled = try PostgresLocation(url: "postgres://app@127.0.0.1:6000/d?sslmode=disable")
        #expect(!disabled.requireTLS && disabled.description == "postgres://app@127.0.0.1:6000/d?sslmode=disable")
    }

    @Test(arguments: [
        ("postgres://app:secret@db/d", "the URL holds a password"),
        ("mysql://app@db/d", "expected postgres://"),
        ("postgres://db/d", "names no user"),
        ("postgres://app@db/", "names no database"),
        ("postgres://app@db/d?sslmode=prefer", "unknown URL parameter"),
        ("postgres://app@db/d?sslrootcert=ca.pem", "must be an absolute path"),
        ("postgres://app@db/d?sslmode=disable&sslrootcert=/ca.pem", "choose TLS or not"),
    ])
    func refused(_ url: String, _ saying: String) {
        #expect {
            _ = try PostgresLocation(url: url)
        } throws: { error in
            "\(error)".contains(saying) && !"\(error)".contains("secret")
        }
    }
}
