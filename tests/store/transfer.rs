//! A store copied whole (`beatwire store copy`) from sled to PostgreSQL and back: every record
//! the same on all three, counted the same, and the same bytes published.

use beatwire::dedup::{GuidTrust, Sketch};
use beatwire::model::{ItemKey, SourceState};
use beatwire::store::{Backend, Record, copy::copy};

use crate::harness;
use crate::stories::{DAY, SEED, at, item};

/// Stories with and without a sketch, keys (one leading to a tombstone), a source state and a
/// guid trust.
fn fill(store: &dyn Backend) {
    let text = "重庆与四川两地签署协议，推动产业协作、交通互联与公共服务共享，涉及投资三百亿元。\
                成渝地区双城经济圈建设进入新阶段，两地将共建产业园区、联合招商、互认资质，\
                并在物流通道、能源保供、科技创新和人才流动方面加强合作，力争年内见到成效。";
    let sketch = Sketch::of("成渝地区双城经济圈建设", text).expect("a sketch");
    for (n, id) in ["a", "b", "c", "d"].into_iter().enumerate() {
        let key = ItemKey::Link(format!("https://example.com/jjxz/{id}.html"));
        let guid = ItemKey::Guid {
            source: "scjjrb".into(),
            guid: format!("guid-{id}"),
        };
        let dated = at(SEED + i64::try_from(n).expect("small") * DAY);
        let sketched = (n % 2 == 0).then_some(&sketch);
        store
            .put_new_story(&item(id, dated), &[key, guid], sketched)
            .expect("put");
    }
    assert!(store.remove("b", at(SEED + 9 * DAY)).expect("remove"));
    store
        .set_source_state(
            "scjjrb",
            &SourceState {
                stories: 4,
                failures: 1,
                last_error: Some("超时".into()),
                ..SourceState::default()
            },
        )
        .expect("state");
    store
        .set_guid_trust("scjjrb", GuidTrust::Unstable)
        .expect("trust");
}

fn exported(store: &dyn Backend) -> Vec<Record> {
    let mut records = Vec::new();
    store
        .export(&mut |record| {
            records.push(record);
            Ok(())
        })
        .expect("export");
    records
}

#[test]
fn a_store_copied_to_postgres_and_back_keeps_every_record() {
    let Some(postgres) = harness::postgres() else {
        return;
    };
    let (original, back) = (harness::sled(), harness::sled());
    fill(original.store.as_ref());
    let there = copy(original.store.as_ref(), postgres.store.as_ref()).expect("to PostgreSQL");
    let again = copy(postgres.store.as_ref(), back.store.as_ref()).expect("back to sled");
    assert_eq!(there, again, "both copies count the same");
    assert_eq!((there.stories, there.tombstones, there.sketches), (3, 1, 2));
    assert_eq!(there.keys, 8, "the removed story's keys are copied too");
    let records = exported(original.store.as_ref());
    assert_eq!(exported(postgres.store.as_ref()), records);
    assert_eq!(exported(back.store.as_ref()), records);
    for store in [postgres.store.as_ref(), back.store.as_ref()] {
        assert_eq!(
            store.latest(10).expect("latest"),
            original.store.latest(10).expect("latest")
        );
        let gone = ItemKey::Link("https://example.com/jjxz/b.html".into());
        assert_eq!(store.find(&gone).expect("find").as_deref(), Some("b"));
        assert!(store.tombstone("b").expect("tombstone").is_some());
        assert_eq!(
            store.guid_trust("scjjrb").expect("trust"),
            GuidTrust::Unstable
        );
    }
    let full = copy(original.store.as_ref(), postgres.store.as_ref());
    assert!(full.is_err(), "a store that is not empty is refused");
}
