import Crypto
import DiscreetLedger
import Foundation
import Testing

/// Signed notes against the Go reference implementation's published vector
/// (golang.org/x/mod/sumdb/note), so that a standard verifier accepts our checkpoints.
@Suite struct SignedNoteTests {
    static let verifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    static let privateKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    static let note =
        text + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"

    static func signingKey() throws -> NoteSigningKey {
        let encoded = privateKey.split(separator: "+", maxSplits: 4).last!
        let raw = try #require(Data(base64Encoded: String(encoded)))
        #expect(raw.first == 0x01)
        return NoteSigningKey(name: "PeterNeumann", privateKey: try .init(rawRepresentation: raw.dropFirst()))
    }

    @Test func theReferenceNoteVerifies() throws {
        let verifier = try #require(NoteVerifierKey(encoded: Self.verifierKey))
        #expect(try SignedNote.open(Self.note, verifier: verifier) == Self.text)
        #expect(verifier.encoded == Self.verifierKey)
    }

    @Test func aVerifierKeyWhoseBase64HoldsAPlusIsRead() throws {
        // transparency-dev/formats' test key: its base64 contains '+'.
        let encoded = "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6"
        let key = try #require(NoteVerifierKey(encoded: encoded))
        #expect(key.name == "TEST")
        #expect(key.encoded == encoded)
    }

    @Test func ourKeyIDAndVerifierKeyMatchTheReference() throws {
        let key = try Self.signingKey()
        #expect(key.verifier.encoded == Self.verifierKey)
        #expect(key.keyID == [0xc7, 0x4f, 0x20, 0xa3])
    }

    #if os(Linux)
        @Test func ourSignatureIsTheReferenceSignature() throws {
            // Ed25519 (RFC 8032) is deterministic: the same key and text give the same note.
            #expect(try SignedNote.sign(Self.text, with: Self.signingKey()) == Self.note)
        }
    #endif

    @Test func tamperingAndForeignKeysAreRefused() throws {
        let verifier = try #require(NoteVerifierKey(encoded: Self.verifierKey))
        #expect(throws: SignedNote.Failure.badSignature) {
            try SignedNote.open(Self.note.replacingOccurrences(of: "cryptography", with: "cryptographY"), verifier: verifier)
        }
        let other = NoteSigningKey(name: "PeterNeumann", privateKey: .init())
        #expect(throws: SignedNote.Failure.noSignatureFromKey) { try SignedNote.open(Self.note, verifier: other.verifier) }
        #expect(throws: SignedNote.Failure.malformed) { try SignedNote.open(Self.text, verifier: verifier) }
        #expect(NoteVerifierKey(encoded: "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW") == nil)
        #expect(NoteVerifierKey(encoded: "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW") == nil)
    }

    @Test func checkpointsRoundTrip() throws {
        let key = NoteSigningKey(name: "discreet.example/ledger", privateKey: .init())
        let root = RFC6962.leafHash(Array("x".utf8))
        let checkpoint = Checkpoint(origin: "discreet.example/ledger", size: 42, root: root)
        let note = try checkpoint.signed(with: key)
        #expect(note.hasPrefix("discreet.example/ledger\n42\n\(Data(root).base64EncodedString())\n\n— discreet.example/ledger "))
        #expect(try Checkpoint.open(note, verifier: key.verifier) == checkpoint)
        #expect(Checkpoint(body: "o\n01\n\(Data(root).base64EncodedString())\n") == nil)
        #expect(Checkpoint(body: "o\n1\nAAAA\n") == nil)
    }
}
