from market_entry.english_words import fold


def test_forms_owners_type_meet_the_forms_the_packs_use():
    for owner, pack in [("import", "imported"), ("importer", "importers"), ("license", "licence"),
                        ("licensed", "licences"), ("labeling", "labelling"),
                        ("company", "companies"), ("registered", "register"), ("taxes", "tax")]:
        assert fold(owner) == fold(pack), (owner, pack)


def test_words_that_only_look_inflected_and_other_scripts_are_kept():
    for word in ("process", "status", "analysis", "認證", "FDA".lower(), "ce", "us"):
        assert fold(word) == word
    assert fold("licence.") == fold("licence")


def test_misspellings_owners_type_fast_meet_the_word_meant():
    for typed, meant in [("goverment", "government"), ("compnay", "company"),
                         ("registeration", "registration"), ("certifcate", "certificates"),
                         ("tarrifs", "tariff"), ("custmer", "customers")]:
        assert fold(typed) == fold(meant), (typed, meant)


def test_common_misspellings_are_put_right_before_terms_are_looked_up():
    from market_entry.english_words import corrected

    assert corrected("where to apply certificate of orgin?") == "where to apply certificate of origin?"
    assert corrected("Goverment help 輸出保險") == "government help 輸出保險"
