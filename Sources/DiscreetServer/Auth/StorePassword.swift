/// The PostgreSQL store's password, never from a flag or the URL: `DISCREET_STORE_PASSWORD_FILE`,
/// read as every secret file is (`SecretFile`: a regular file only its owner may read, no symbolic
/// link, one line of 1 to 4096 printable characters), or `DISCREET_STORE_PASSWORD` under the same
/// rule for its text. Nil when neither is set (trust or peer authentication).
public enum StorePassword {
    public static func load(environment: [String: String]) throws -> String? {
        if let path = environment["DISCREET_STORE_PASSWORD_FILE"] {
            guard let password = try SecretFile.loadText(path: path, noun: "store password") else {
                throw Failure("DISCREET_STORE_PASSWORD_FILE names no file: \(path)")
            }
            return password
        }
        guard let password = environment["DISCREET_STORE_PASSWORD"] else { return nil }
        guard SecretFile.isSecretText(password.utf8) else {
            throw Failure("DISCREET_STORE_PASSWORD must be 1 to 4096 printable characters")
        }
        return password
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
