/// The three-digit ZIP code areas that Safe Harbor turns into `000`: those whose five-digit ZIP
/// codes together held 20,000 people or fewer, 45 CFR 164.514(b)(2)(i)(B).
///
/// Source: U.S. Department of Health and Human Services, Office for Civil Rights, "Guidance
/// Regarding Methods for De-identification of Protected Health Information in Accordance with the
/// HIPAA Privacy Rule" (26 November 2012), section 4.4, which lists the 17 three-digit codes of
/// 20,000 people or fewer by the Census Bureau's 2000 figures (ZIP Code Tabulation Areas). HHS has
/// published no other list; when it does, this set changes with it.
enum RestrictedZIP3 {
    static let codes: Set<String> = [
        "036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831", "878", "879", "884", "890",
        "893",
    ]
}
