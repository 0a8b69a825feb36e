/// `mask`: keep the last N characters (grapheme clusters, so an accented letter or an emoji is one
/// character) and replace the others with `*`. A value no longer than N is masked whole: keeping
/// its "last N" would reveal all of it.
public enum Masking {
    public static func mask(_ text: String, keep: Int) -> String {
        let count = text.count
        guard count > keep else { return String(repeating: "*", count: count) }
        return String(repeating: "*", count: count - keep) + text.suffix(keep)
    }
}
