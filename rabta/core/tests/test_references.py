"""Phone-readable references and what their check character catches."""

from rabta.core.references import ALPHABET, readable_reference_is_valid, readable_reference_new


def test_a_new_reference_is_valid_for_its_own_prefix_only():
    reference = readable_reference_new("DR")

    assert readable_reference_is_valid(reference, "DR")
    assert not readable_reference_is_valid(reference, "RB")
    assert not readable_reference_is_valid(reference.lower(), "DR")


def _typos(reference: str, position: int) -> list[str]:
    return [
        reference[:position] + other + reference[position + 1 :] for other in ALPHABET if other != reference[position]
    ]


def test_a_mistyped_check_character_and_any_typo_at_a_weight_prime_to_30_are_caught():
    reference = readable_reference_new("RB")  # RB-ABCD-EFGH-C: body weights 1-4 at 3-6, 5-8 at 8-11
    for position in (3, 10, 13):  # weight 1, weight 7, the check character
        for typo in _typos(reference, position):
            assert not readable_reference_is_valid(typo, "RB"), typo


def test_most_other_single_typos_are_caught():
    reference = readable_reference_new("RB")
    typos = [typo for position in (4, 5, 6, 8, 9, 11) for typo in _typos(reference, position)]
    missed = [typo for typo in typos if readable_reference_is_valid(typo, "RB")]
    # Weight w misses the gcd(w, 30) - 1 typos that differ by a multiple of 30 / gcd(w, 30): 1 of 29
    # for weights 2, 4 and 8, 2 for 3, 4 for 5, 5 for 6; 14 of the 174 at these positions.
    assert len(missed) == 14
