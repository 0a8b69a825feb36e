/// The one way an error names something a caller sent that is not known (a provider, a purpose, a
/// category, a record type): by the member it sits at and by what is known, never by the text
/// sent. An error body is logged by the calling application, its proxies and its error tracker,
/// so a value that reaches it has left (DESIGN §7, invariant 2). Every path that describes input
/// goes through here, the disclosure path and the consent paths alike.
public enum UnknownName {
    /// At most this many known names are listed.
    public static let listed = 20

    /// "Known: a, b, c." for the names the policy knows, or "" when it knows none.
    public static func known(_ names: some Sequence<String>) -> String {
        let sorted = names.sorted()
        guard !sorted.isEmpty else { return "" }
        let more = sorted.count > listed ? " (and \(sorted.count - listed) more)" : ""
        return "Known: \(sorted.prefix(listed).joined(separator: ", "))\(more)."
    }

    /// The member error for an unknown name at `path`: `what` says what kind of name it is.
    public static func error(_ what: String, at path: String, known names: some Sequence<String>) -> JSONFieldError {
        let list = known(names)
        return JSONFieldError(path: path, message: "not a \(what) the policy knows" + (list.isEmpty ? "" : ". " + list))
    }
}
