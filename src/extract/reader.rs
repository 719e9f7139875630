//! Bounds-checked little-endian reading of the binary tables embedded in the program (the
//! gazetteer and the tagger's models): running out of bytes or meeting an impossible value is
//! `None`, never a panic or a huge allocation.

/// A cursor over a byte slice.
pub(crate) struct Reader<'b> {
    b: &'b [u8],
}

impl<'b> Reader<'b> {
    /// The reader of `b` after its leading `magic`, or `None` if `b` does not start with it.
    pub(crate) fn after_magic(b: &'b [u8], magic: &[u8]) -> Option<Reader<'b>> {
        Some(Reader {
            b: b.strip_prefix(magic)?,
        })
    }

    pub(crate) fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.b.split_first_chunk::<N>()?;
        self.b = rest;
        Some(*head)
    }
    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.take::<1>().map(|[b]| b)
    }
    pub(crate) fn u16(&mut self) -> Option<u16> {
        self.take().map(u16::from_le_bytes)
    }
    pub(crate) fn i16(&mut self) -> Option<i16> {
        self.take().map(i16::from_le_bytes)
    }
    pub(crate) fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }
    pub(crate) fn u64(&mut self) -> Option<u64> {
        self.take().map(u64::from_le_bytes)
    }

    /// An unsigned LEB128 number (seven bits a byte, low bits first); `None` past 64 bits.
    pub(crate) fn varint(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            let bits = (byte & 0x7f) as u64;
            if shift == 63 && bits > 1 {
                return None;
            }
            n |= bits << shift;
            if byte & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    /// A count of records of at least `size` bytes each, checked against the bytes left so a
    /// bad count cannot ask for a huge allocation.
    pub(crate) fn count(&mut self, size: usize) -> Option<usize> {
        let n = self.u32()? as usize;
        (n.checked_mul(size)? <= self.b.len()).then_some(n)
    }

    pub(crate) fn bytes(&mut self, n: usize) -> Option<&'b [u8]> {
        let (head, rest) = self.b.split_at_checked(n)?;
        self.b = rest;
        Some(head)
    }

    /// Whether every byte has been read: tables end exactly where their writer stopped.
    pub(crate) fn is_done(&self) -> bool {
        self.b.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stop_at_the_end() {
        let mut r = Reader::after_magic(b"MG\x01\x02\x03", b"MG").unwrap();
        assert_eq!(r.u16(), Some(0x0201));
        assert_eq!(r.u16(), None);
        assert_eq!(r.u8(), Some(3));
        assert!(r.is_done());
        assert!(Reader::after_magic(b"MX", b"MG").is_none());
    }

    #[test]
    fn varints_decode_and_reject_overflow() {
        let mut r = Reader {
            b: &[0x05, 0x96, 0x01, 0x80],
        };
        assert_eq!(r.varint(), Some(5));
        assert_eq!(r.varint(), Some(150));
        // A continuation byte with nothing after it.
        assert_eq!(r.varint(), None);
        let max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(Reader { b: &max }.varint(), Some(u64::MAX));
        let over = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        assert_eq!(Reader { b: &over }.varint(), None);
        assert_eq!(Reader { b: &[0x80; 11] }.varint(), None);
    }

    #[test]
    fn counts_larger_than_the_bytes_left_are_refused() {
        let mut r = Reader {
            b: &[3, 0, 0, 0, 1, 2, 3, 4, 5, 6],
        };
        assert_eq!(r.count(2), Some(3));
        let mut r = Reader {
            b: &[3, 0, 0, 0, 1, 2, 3, 4, 5],
        };
        assert_eq!(r.count(2), None);
    }
}
