/// The word written just before a position of folded text: what names a number (`SSN 536221234`,
/// `aged 91`). Up to three characters that are not letters or digits are passed over first
/// (`SSN: `, `SS# `), so only the words right before count: what a replacement elsewhere does to
/// the text never changes the answer.
struct WordBefore {
    /// The word's letters.
    var word: ArraySlice<UInt8>
    /// Where the word starts: read the word before it from here.
    var start: Int
    /// The character right after the word, if any (`#` of `SS#`, `]` of a placeholder).
    var after: UInt8?

    init(_ b: [UInt8], _ i: Int) {
        var k = i
        var skipped = 0
        while k > 0, !b[k - 1].isWord, skipped < 3 {
            k -= 1
            skipped += 1
        }
        let end = k
        while k > 0, b[k - 1].isLetter { k -= 1 }
        word = b[k..<end]
        start = k
        after = end < b.count ? b[end] : nil
    }

    func `is`(_ text: String) -> Bool { word.elementsEqual(text.utf8) }
}
