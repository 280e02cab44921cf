"""Writes cifar_like.tar.gz for CifarArchiveTest with Python's tarfile (PAX format, the default), the
layout of cifar-10-binary.tar.gz with 2 records per batch, the members out of order as in the real
archive (run: python3 make_fixture.py). Record r of batch b has label (b + r) % 10 and pixel
p = (b * 7 + r * 3 + p) % 256, where b is 1..5 for the training batches and 6 for the test batch."""
import io, tarfile

def batch(b):
    out = bytearray()
    for r in range(2):
        out.append((b + r) % 10)
        out.extend((b * 7 + r * 3 + p) % 256 for p in range(3072))
    return bytes(out)

names = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']
members = [('batches.meta.txt', ('\n'.join(names) + '\n\n').encode())]
members += [('data_batch_%d.bin' % b, batch(b)) for b in (3, 1, 5)]
members += [('test_batch.bin', batch(6)), ('readme.html', b'<html></html>')]
members += [('data_batch_%d.bin' % b, batch(b)) for b in (4, 2)]
with tarfile.open('cifar_like.tar.gz', 'w:gz', format=tarfile.PAX_FORMAT) as tar:
    d = tarfile.TarInfo('cifar-10-batches-bin')
    d.type = tarfile.DIRTYPE
    tar.addfile(d)
    for name, data in members:
        info = tarfile.TarInfo('cifar-10-batches-bin/' + name)
        info.size = len(data)
        info.pax_headers = {'comment': 'x' * 200}
        tar.addfile(info, io.BytesIO(data))
