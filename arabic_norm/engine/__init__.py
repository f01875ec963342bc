"""HOW FAST: the executors that apply compiled passes to text (`maps`: code point maps over str;
`utf8`: the same maps over UTF-8 bytes)."""
