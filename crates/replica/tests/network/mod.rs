//! A deterministic in-memory network of replicas (no sockets, no clocks): head office and tills
//! exchange sync messages for every document over links that can be cut and healed.

#![allow(dead_code)]

use kassa_replica::skeleton::new_document;
use kassa_replica::validate::receive_checked;
use kassa_replica::{generate_message, ActorId, AutoCommit, DocId, SyncState};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub struct Replica {
    pub name: String,
    pub actor: ActorId,
    pub docs: BTreeMap<String, AutoCommit>,
    states: HashMap<(String, usize), SyncState>,
}

impl Replica {
    pub fn doc(&mut self, id: &str) -> &mut AutoCommit {
        let actor = self.actor.clone();
        self.docs
            .entry(id.to_string())
            .or_insert_with(|| new_document(&DocId::parse(id).unwrap(), actor).unwrap())
    }
}

pub struct Network {
    pub replicas: Vec<Replica>,
    /// Links that are up, as (lower index, higher index).
    up: BTreeSet<(usize, usize)>,
    pub messages_delivered: u64,
}

impl Network {
    /// Replica 0 is head office; 1..=tills are tills, each linked only to head office.
    pub fn star(tills: usize) -> Network {
        let mut replicas = Vec::new();
        for i in 0..=tills {
            let name = if i == 0 {
                "hq".to_string()
            } else {
                format!("till-{i}")
            };
            replicas.push(Replica {
                actor: ActorId::from(name.as_bytes()),
                name,
                docs: BTreeMap::new(),
                states: HashMap::new(),
            });
        }
        let up = (1..=tills).map(|t| (0, t)).collect();
        Network {
            replicas,
            up,
            messages_delivered: 0,
        }
    }

    pub fn partition(&mut self, till: usize) {
        self.up.remove(&(0, till));
    }

    pub fn heal(&mut self, till: usize) {
        self.up.insert((0, till));
    }

    pub fn heal_all(&mut self) {
        for t in 1..self.replicas.len() {
            self.heal(t);
        }
    }

    /// Exchanges messages over every link that is up until nobody has anything to send.
    /// Head office announces every document it has to each till (as the real server does).
    pub fn run_until_quiescent(&mut self) {
        for _round in 0..1_000 {
            let mut sent = false;
            for &(a, b) in &self.up.clone() {
                let mut ids: BTreeSet<String> = self.replicas[a].docs.keys().cloned().collect();
                ids.extend(self.replicas[b].docs.keys().cloned());
                for id in ids {
                    sent |= self.step(a, b, &id);
                    sent |= self.step(b, a, &id);
                }
            }
            if !sent {
                return;
            }
        }
        panic!("the network did not become quiescent");
    }

    /// Sends one message for `id` from `from` to `to`, if there is one.
    fn step(&mut self, from: usize, to: usize, id: &str) -> bool {
        let message = {
            let sender = &mut self.replicas[from];
            sender.doc(id);
            let mut state = sender
                .states
                .remove(&(id.to_string(), to))
                .unwrap_or_default();
            let message = generate_message(sender.docs.get_mut(id).unwrap(), &mut state);
            sender.states.insert((id.to_string(), to), state);
            message
        };
        let Some(bytes) = message else { return false };
        let receiver = &mut self.replicas[to];
        receiver.doc(id);
        let mut state = receiver
            .states
            .remove(&(id.to_string(), from))
            .unwrap_or_default();
        receive_checked(
            id,
            receiver.docs.get_mut(id).unwrap(),
            &mut state,
            &bytes,
            |_| true,
        )
        .unwrap();
        receiver.states.insert((id.to_string(), from), state);
        self.messages_delivered += 1;
        true
    }

    pub fn heads(&mut self, replica: usize) -> BTreeMap<String, Vec<kassa_replica::ChangeHash>> {
        self.replicas[replica]
            .docs
            .iter_mut()
            .map(|(id, doc)| (id.clone(), doc.get_heads()))
            .collect()
    }
}
