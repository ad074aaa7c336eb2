//! A MongoDB `explain`, as grading reads plans: the winning plan alone, one stage per line
//! (`FETCH`, then `IXSCAN index=sku_1 keys={"sku":1}` indented below it). Rejected plans are
//! left out, so that an index the planner considered and dropped is never read as used, and a
//! name the candidate chose appears only on the line of the index scan that reads it.

use mongodb::bson::{Bson, Document};

/// The winning plan of an `explain` answer of a `find` or an `aggregate` (MongoDB 5 to 8, the
/// classic and the slot-based engines), as lines; `None` when the answer holds none.
pub fn winning_plan(answer: &Document) -> Option<String> {
    let planner = answer.get_document("queryPlanner").ok().or_else(|| {
        // An aggregate explained: the first stage is the cursor that reads the collection.
        answer
            .get_array("stages")
            .ok()?
            .first()?
            .as_document()?
            .get_document("$cursor")
            .ok()?
            .get_document("queryPlanner")
            .ok()
    })?;
    let winning = planner.get_document("winningPlan").ok()?;
    // The slot-based engine (MongoDB 7 and later) nests the plan under `queryPlan`.
    let root = winning.get_document("queryPlan").unwrap_or(winning);
    let mut lines = Vec::new();
    stage_lines(root, 0, &mut lines);
    Some(lines.join("\n"))
}

/// One stage and those it reads, depth first; nesting beyond 32 stages is cut.
fn stage_lines(stage: &Document, depth: usize, lines: &mut Vec<String>) {
    if depth > 32 {
        return;
    }
    let name = stage.get_str("stage").unwrap_or("?");
    let mut line = format!("{}{}", "  ".repeat(depth), spelled(name));
    if let Ok(index) = stage.get_str("indexName") {
        line.push_str(&format!(" index={}", spelled(index)));
    }
    if let Ok(key) = stage.get_document("keyPattern") {
        let key = Bson::Document(key.clone())
            .into_relaxed_extjson()
            .to_string();
        line.push_str(&format!(" keys={}", spelled(&key)));
    }
    lines.push(line);
    if let Ok(input) = stage.get_document("inputStage") {
        stage_lines(input, depth + 1, lines);
    }
    for input in stage
        .get_array("inputStages")
        .map(|a| a.as_slice())
        .unwrap_or_default()
    {
        if let Some(input) = input.as_document() {
            stage_lines(input, depth + 1, lines);
        }
    }
}

/// A name from the server on one line of a plan: no line breaks or other controls.
fn spelled(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mongodb::bson::doc;

    #[test]
    fn the_winning_plan_of_a_find_and_of_an_aggregate_without_the_rejected_ones() {
        let ixscan = doc! { "stage": "FETCH", "inputStage": {
        "stage": "IXSCAN", "indexName": "sku_1", "keyPattern": { "sku": 1 } } };
        let find = doc! { "queryPlanner": {
        "winningPlan": ixscan.clone(),
        "rejectedPlans": [{ "stage": "IXSCAN", "indexName": "autre" }] } };
        assert_eq!(
            winning_plan(&find).unwrap(),
            "FETCH\n  IXSCAN index=sku_1 keys={\"sku\":1}"
        );
        let aggregate = doc! { "stages": [
        { "$cursor": { "queryPlanner": { "winningPlan": { "queryPlan": {
            "stage": "COLLSCAN", "direction": "forward" } } } } },
        { "$match": { "sku": "X" } } ] };
        assert_eq!(winning_plan(&aggregate).unwrap(), "COLLSCAN");
        assert_eq!(winning_plan(&doc! { "ok": 1 }), None);
        let controls = doc! { "queryPlanner": { "winningPlan": {
        "stage": "IXSCAN", "indexName": "a\nkey=b" } } };
        assert_eq!(winning_plan(&controls).unwrap(), "IXSCAN index=a key=b");
    }
}
