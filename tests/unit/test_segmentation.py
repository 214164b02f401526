from market_entry.segmentation import Segmenter


def test_traditional_chinese_is_segmented_into_real_words():
    words = Segmenter().words("我們是做小家電的，想賣到日本需要什麼認證？")
    assert "小家電" in words and "日本" in words and "認證" in words
    assert "電的" not in words


def test_domain_words_stay_whole():
    segmenter = Segmenter(["碳邊境調整機制"])
    assert "碳邊境調整機制" in segmenter.words("螺絲出口要注意碳邊境調整機制嗎")


def test_offsets_point_into_the_original_text():
    text = "想賣到德國 with CE marking"
    for token in Segmenter().tokenize(text):
        assert text[token.start : token.end] == token.text
