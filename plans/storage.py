"""Media files kept in the database (MEDIA_STORAGE=database): evidence and uploaded workbooks on every host.

Why the database rather than an object store: evidence files are small (at
most 5 MB each), councils already back the database up (pg_dump takes the
files with the ratings they support, in one consistent copy), and several
hosts then need no extra service. An S3-compatible store can be used instead
by naming django-storages' class in MEDIA_STORAGE (docs/operations.md).
"""

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils.deconstruct import deconstructible


@deconstructible
class DatabaseStorage(Storage):
    """Each file one row of plans.StoredFile, by name; files are served through the app's own views."""

    def _model(self):
        from plans.models import StoredFile  # the models load after the storage is configured

        return StoredFile

    def _open(self, name, mode="rb"):
        row = self._model().objects.filter(name=name).only("content").first()
        if row is None:
            raise FileNotFoundError(f"No stored file {name}")
        return ContentFile(bytes(row.content), name=name)

    def _save(self, name, content):
        if hasattr(content, "seek"):
            content.seek(0)
        data = content.read()
        if isinstance(data, str):
            data = data.encode()
        self._model().objects.create(name=name, content=data, size=len(data))
        return name

    def exists(self, name):
        return self._model().objects.filter(name=name).exists()

    def delete(self, name):
        self._model().objects.filter(name=name).delete()

    def size(self, name):
        row = self._model().objects.filter(name=name).only("size").first()
        if row is None:
            raise FileNotFoundError(f"No stored file {name}")
        return row.size

    def listdir(self, path):
        prefix = f"{path.rstrip('/')}/" if path else ""
        directories, files = set(), []
        for name in self._model().objects.filter(name__startswith=prefix).values_list("name", flat=True):
            rest = name[len(prefix) :]
            if "/" in rest:
                directories.add(rest.split("/", 1)[0])
            else:
                files.append(rest)
        return sorted(directories), sorted(files)

    def get_modified_time(self, name):
        row = self._model().objects.filter(name=name).only("created").first()
        if row is None:
            raise FileNotFoundError(f"No stored file {name}")
        return row.created

    get_created_time = get_modified_time

    def url(self, name):
        raise NotImplementedError("Stored files are served by the app's views (evidence downloads), not by URL.")
