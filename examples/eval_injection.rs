//! Evaluation of the spam step on pages it has never seen: genuine seed pages with an
//! advertising keyword and a sentence of fiction (written for this harness, not in the
//! training sample) injected into every longer line at pseudo-random characters.
//!
//! `cargo run --release --example eval_injection content/raw/00[124]*.txt` prints, per page,
//! how many injections were cut, how many lines came back exactly, and every cut. With
//! `NOFICTION=1` only keywords are injected: every fiction cut is then a false positive.
//! Not a test: it measures; the unit and integration tests assert.

use union_digest::clean::{gloss, punct, script, spam, Page};
use union_digest::config::Config;
use union_digest::ingest::ingest;
use union_digest::model::SourceKind;

const SNIPPETS: [&str; 10] = [
    "“你还记得那年的雪吗？”沈墨轻声问道。",
    "她愣了一下，随即红了眼眶，低头不语。",
    "“少爷，夫人让您早些回去。”管家躬身说道。",
    "他握紧了拳头，心里一阵发酸，终究还是没有开口。",
    "“别怕，有我在。”他把她护在身后，冷冷地看着来人。",
    "那一夜，她哭着给母亲打了电话，却什么都没说出口。",
    "林清歌笑了笑，端起茶杯抿了一口：“你想多了。”",
    "老太太叹了口气，摆摆手让丫鬟退下。",
    "“我不走。”她倔强地抬起头，泪水在眼眶里打转。",
    "他想起小时候父亲背着他去看病，一路上一句话也没说。",
];

fn main() {
    let config = Config::default();
    let converter = script::Converter::new(&config);
    let lexicon = spam::Lexicon::new(&config);
    let with_fiction = std::env::var("NOFICTION").is_err();
    let mut state = 12345u64;
    let mut random = |n: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % n.max(1)
    };
    for file in std::env::args().skip(1) {
        let bytes = std::fs::read(&file).expect("read");
        let doc = ingest(&bytes, &file, SourceKind::Raw).expect("ingest");
        let mut clean = Page::new(&doc);
        gloss::repair(&mut clean);
        converter.apply(&mut clean);
        punct::restore(&mut clean);
        let mut page = clean.clone();
        let mut injected = 0;
        for (k, line) in page.lines.iter_mut().enumerate() {
            let chars: Vec<char> = line.text.chars().collect();
            if chars.len() < 40 {
                continue;
            }
            let (keyword_at, fiction_at) = (random(chars.len()), random(chars.len()));
            let mut out = String::new();
            for (i, c) in chars.iter().enumerate() {
                if i == keyword_at {
                    out.push_str("包养网");
                }
                if i == fiction_at && with_fiction {
                    out.push_str(SNIPPETS[k % SNIPPETS.len()]);
                    injected += 1;
                }
                out.push(*c);
            }
            line.text = out;
        }
        lexicon.apply(&mut page);
        let exact = page
            .lines
            .iter()
            .zip(&clean.lines)
            .filter(|(a, b)| a.text == b.text)
            .count();
        let cuts: Vec<&str> = page
            .report
            .removed
            .iter()
            .filter(|r| r.kind == "fiction")
            .map(|r| r.text.as_str())
            .collect();
        let whole = cuts.iter().filter(|c| SNIPPETS.contains(c)).count();
        println!(
            "{file}: {injected} injected, {} cut ({whole} exactly), lines back exactly {exact}/{}",
            cuts.len(),
            clean.lines.len()
        );
        for cut in cuts {
            println!("  cut: {cut}");
        }
    }
}
