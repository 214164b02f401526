from market_entry.normalise import detect_language, has_simplified, normalise


def test_simplified_input_becomes_taiwan_traditional_with_taiwan_words():
    assert normalise("我们是做小家电的，想卖到日本需要什么认证？") == "我們是做小家電的,想賣到日本需要什麼認證?"
    assert "軟體" in normalise("软件出口")


def test_traditional_input_is_left_alone():
    text = "出口需要什麼認證"
    assert normalise(text) == text
    assert not has_simplified(text)


def test_fullwidth_letters_and_spaces_are_folded():
    assert normalise("  ＰＳＥ　認證  ") == "PSE 認證"


def test_offsets_are_kept_when_asked():
    text = "U盘出口"  # s2twp would turn U盘 into 隨身碟 and move every offset
    assert len(normalise(text, keep_length=True)) == len(text)


def test_language_detection():
    assert detect_language("What certification do I need for Japan?") == "en"
    assert detect_language("日本 PSE 認證") == "zh-TW"
    assert detect_language("123") == "zh-TW"


def test_taiwanese_text_with_shared_characters_is_not_rewritten():
    for text in ("台灣公司的技術文件", "進出口代碼和藍牙耳機", "嬰兒床出口美國", "批准文件"):
        assert normalise(text) == text
    assert not has_simplified("台灣的文件")
    assert has_simplified("台湾公司的文件")
