#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with the project's own fixtures (and the regression inputs under
# fixtures/fuzz/<target>/), so each target starts from real documents. Safe to rerun: files are
# named by their path, and what libFuzzer added to the corpus stays.
#
#   fuzz/seed.sh            # every target
#   fuzz/seed.sh decode     # one target
set -euo pipefail
cd "$(dirname "$0")/.."

# Copies files into the target's corpus, named after their path in the project.
seed() {
    local target=$1
    shift
    mkdir -p "fuzz/corpus/$target"
    for file in "$@"; do
        [ -f "$file" ] || continue
        cp "$file" "fuzz/corpus/$target/seed-$(echo "$file" | tr '/' '_')"
    done
    if [ -d "fixtures/fuzz/$target" ]; then
        for file in "fixtures/fuzz/$target"/*; do
            [ -f "$file" ] && cp "$file" "fuzz/corpus/$target/regression-$(basename "$file")"
        done
    fi
    return 0
}

# The first byte of an input picks an option of the target (Content-Type, rule): a prefixed copy
# of each document, so the seeds reach more than one.
seed_prefixed() {
    local target=$1
    shift
    seed "$target" "$@"
    for file in "$@"; do
        [ -f "$file" ] || continue
        local name
        name="fuzz/corpus/$target/seed-$(echo "$file" | tr '/' '_')"
        { printf 'b'; cat "$file"; } > "$name.a"
        { printf '\201'; cat "$file"; } > "$name.b"
    done
}

mapfile -t pages < <(find fixtures/extract fixtures/decode fixtures/sites/zgrb -type f -name '*.htm*')
mapfile -t feeds < <(find fixtures/sites fixtures/publish -type f \( -name '*.xml' -o -name '*.json' \))
mapfile -t lists < <(find fixtures/sites/zgrb -type f -name 'index.htm')

wanted=("$@")
want() { [ ${#wanted[@]} -eq 0 ] || [[ " ${wanted[*]} " == *" $1 "* ]]; }

want decode && seed_prefixed decode "${pages[@]}" "${feeds[@]}" fixtures/decode/news_zh.txt
want feed_parse && seed feed_parse "${feeds[@]}"
want article_extract && seed_prefixed article_extract "${pages[@]}"
want list_extract && seed_prefixed list_extract "${lists[@]}" "${pages[@]}"
want config_load && seed config_load fixtures/config/*.toml feeds.toml feeds.example.toml
if want canonical_url; then
    # One href per file: every link the fixtures hold.
    mkdir -p fuzz/corpus/canonical_url
    grep -rhoE '(href|src)="[^"]*"' fixtures | sed -E 's/^[a-z]+="//; s/"$//' | sort -u \
        | head -500 | while IFS= read -r href; do
            printf '%s' "$href" > "fuzz/corpus/canonical_url/seed-$(printf '%s' "$href" | cksum | cut -d' ' -f1)"
        done
    seed canonical_url
fi
for target in decode feed_parse article_extract list_extract config_load canonical_url; do
    want "$target" && echo "$target: $(ls "fuzz/corpus/$target" | wc -l) inputs"
done
exit 0
