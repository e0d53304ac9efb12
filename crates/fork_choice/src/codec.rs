//! A little-endian byte writer and a checked reader for the snapshot encoding.
//!
//! The reader never trusts a length: every count is checked against the bytes that are
//! left before anything is allocated, so a hostile snapshot cannot make decoding panic
//! or reserve more memory than its own size justifies.

use crate::error::ForkChoiceError;
use etn_types::{Checkpoint, Root};

const NONE_INDEX: u64 = u64::MAX;

#[derive(Default)]
pub(crate) struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    pub fn raw(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    pub fn u8(&mut self, value: u8) {
        self.bytes.push(value);
    }

    pub fn u32(&mut self, value: u32) {
        self.raw(&value.to_le_bytes());
    }

    pub fn u64(&mut self, value: u64) {
        self.raw(&value.to_le_bytes());
    }

    pub fn len(&mut self, len: usize) {
        self.u64(len as u64);
    }

    pub fn root(&mut self, root: &Root) {
        self.raw(root.as_ref());
    }

    pub fn checkpoint(&mut self, checkpoint: &Checkpoint) {
        self.u64(checkpoint.epoch);
        self.root(&checkpoint.root);
    }

    pub fn option_root(&mut self, root: &Option<Root>) {
        match root {
            Some(root) => {
                self.u8(1);
                self.root(root);
            }
            None => self.u8(0),
        }
    }

    pub fn index(&mut self, index: Option<usize>) {
        self.u64(index.map_or(NONE_INDEX, |i| i as u64));
    }
}

pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
}

fn short() -> ForkChoiceError {
    ForkChoiceError::InvalidSnapshot("truncated")
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes }
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8], ForkChoiceError> {
        if n > self.bytes.len() {
            return Err(short());
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], ForkChoiceError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub fn u8(&mut self) -> Result<u8, ForkChoiceError> {
        Ok(self.array::<1>()?[0])
    }

    pub fn u32(&mut self) -> Result<u32, ForkChoiceError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub fn u64(&mut self) -> Result<u64, ForkChoiceError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    pub fn bool(&mut self) -> Result<bool, ForkChoiceError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(ForkChoiceError::InvalidSnapshot("flag is neither 0 nor 1")),
        }
    }

    /// A count of items that take at least `min_item_bytes` each: refused if the bytes
    /// left could not hold that many.
    pub fn count(&mut self, min_item_bytes: usize) -> Result<usize, ForkChoiceError> {
        let count = usize::try_from(self.u64()?).map_err(|_| short())?;
        if count.saturating_mul(min_item_bytes.max(1)) > self.bytes.len() {
            return Err(short());
        }
        Ok(count)
    }

    pub fn root(&mut self) -> Result<Root, ForkChoiceError> {
        Ok(Root::from(self.array::<32>()?))
    }

    pub fn checkpoint(&mut self) -> Result<Checkpoint, ForkChoiceError> {
        Ok(Checkpoint {
            epoch: self.u64()?,
            root: self.root()?,
        })
    }

    pub fn option_root(&mut self) -> Result<Option<Root>, ForkChoiceError> {
        Ok(if self.bool()? {
            Some(self.root()?)
        } else {
            None
        })
    }

    pub fn index(&mut self) -> Result<Option<usize>, ForkChoiceError> {
        match self.u64()? {
            NONE_INDEX => Ok(None),
            i => usize::try_from(i)
                .map(Some)
                .map_err(|_| ForkChoiceError::InvalidSnapshot("index out of range")),
        }
    }

    pub fn finish(self) -> Result<(), ForkChoiceError> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(ForkChoiceError::InvalidSnapshot("trailing bytes"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_short_input_is_an_error() {
        let mut w = Writer::default();
        w.u8(7);
        w.u32(9);
        w.u64(u64::MAX - 1);
        w.option_root(&Some(Root::from([3; 32])));
        w.option_root(&None);
        w.index(Some(5));
        w.index(None);
        w.checkpoint(&Checkpoint {
            epoch: 4,
            root: Root::from([1; 32]),
        });
        let bytes = w.into_bytes();
        let mut r = Reader::new(&bytes);
        assert_eq!(r.u8().unwrap(), 7);
        assert_eq!(r.u32().unwrap(), 9);
        assert_eq!(r.u64().unwrap(), u64::MAX - 1);
        assert_eq!(r.option_root().unwrap(), Some(Root::from([3; 32])));
        assert_eq!(r.option_root().unwrap(), None);
        assert_eq!(r.index().unwrap(), Some(5));
        assert_eq!(r.index().unwrap(), None);
        assert_eq!(r.checkpoint().unwrap().epoch, 4);
        r.finish().unwrap();
        assert!(Reader::new(&bytes[..3]).u64().is_err());
        assert!(Reader::new(&[2]).bool().is_err());
        assert!(Reader::new(&[0]).finish().is_err());
    }

    #[test]
    fn counts_larger_than_the_input_are_refused_before_allocating() {
        let mut w = Writer::default();
        w.u64(u64::MAX / 2);
        let bytes = w.into_bytes();
        assert!(Reader::new(&bytes).count(8).is_err());
        let mut w = Writer::default();
        w.u64(2);
        w.u64(0);
        w.u64(0);
        let bytes = w.into_bytes();
        assert_eq!(Reader::new(&bytes).count(8).unwrap(), 2);
    }
}
