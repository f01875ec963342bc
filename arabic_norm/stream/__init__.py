"""HOW BIG: reading and writing input of any size (`blocks`: blocks, byte ranges, the leading BOM;
`compression`: .gz/.bz2/.xz/.zst; `pool`: worker processes; `ring`: workers writing in order)."""
