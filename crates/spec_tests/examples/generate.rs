//! `cargo run -p etn-spec-tests --example generate [-- <out>]`: the generator without
//! building the whole `etn` binary (handy while editing cases; `etn spectest generate`
//! does the same).

fn main() -> anyhow::Result<()> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "specs/tests".into());
    let counts = etn_spec_tests::generator::generate(std::path::Path::new(&out))?;
    for (handler, n) in &counts {
        println!("{handler:<48} {n:>5}");
    }
    println!("{} cases", counts.values().sum::<usize>());
    Ok(())
}
