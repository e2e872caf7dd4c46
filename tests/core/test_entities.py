"""The directory of Peru's entities: the list every database holds (core 0002), names as INEI's
source writes them, the search that forgives accents, `manage.py load_entities` with a newer list,
and the one correction a superuser makes in the admin (`display_name`), kept in the history."""

import io

import pytest
from django.core.management import CommandError, call_command

from core.entities import DEFAULT_LIST
from core.models import Entity, EntityKind
from indicators.access import ROLE_REGISTRADOR
from tests.factories import entity_of, make_user

pytestmark = pytest.mark.django_db

REASON = "lista de ubigeos del INEI"


# --- the directory every database holds ------------------------------------------------------------


def test_the_directory_holds_every_region_province_and_district_municipality():
    counts = {kind: Entity.objects.filter(kind=kind).count() for kind in EntityKind.values}
    assert counts == {"region": 25, "provincial": 196, "distrital": 1677}
    assert Entity.objects.count() == 1898
    # Each kind by the length of its ubigeo: 2, 4 and 6 digits.
    for kind, length in (("region", 2), ("provincial", 4), ("distrital", 6)):
        assert {len(u) for u in Entity.objects.filter(kind=kind).values_list("ubigeo", flat=True)} == {length}


def test_a_provinces_capital_district_is_governed_by_the_province_and_is_no_entity():
    assert not Entity.objects.filter(ubigeo="180301").exists()
    assert not Entity.objects.filter(kind="distrital", ubigeo__endswith="01").exists()
    assert list(Entity.objects.within("1803").values_list("ubigeo", flat=True)) == ["180302", "180303"]


def test_names_are_kept_as_the_source_writes_them():
    mendoza = entity_of("0106")
    assert (mendoza.kind, mendoza.name, mendoza.display_name) == ("provincial", "Rodriguez de Mendoza", "")
    assert mendoza.title == "Municipalidad Provincial de Rodriguez de Mendoza"
    assert (mendoza.department, mendoza.province) == ("Amazonas", "Rodriguez de Mendoza")
    ancash = entity_of("02")
    assert (ancash.kind, ancash.name, ancash.department, ancash.province) == ("region", "Áncash", "Áncash", "")
    assert ancash.title == "Gobierno Regional de Áncash"
    assert entity_of("0201").department == entity_of("020102").department == "Áncash"


def test_ilo_and_its_district():
    ilo = entity_of("1803")
    assert ilo.title == str(ilo) == "Municipalidad Provincial de Ilo"
    assert (ilo.kind, ilo.name, ilo.department, ilo.province) == ("provincial", "Ilo", "Moquegua", "Ilo")
    assert (ilo.department_ubigeo, ilo.province_ubigeo) == ("18", "1803")
    algarrobal = entity_of("180302")
    assert algarrobal.title == "Municipalidad Distrital de El Algarrobal"
    assert (algarrobal.department_ubigeo, algarrobal.province_ubigeo) == ("18", "1803")
    assert entity_of("18").title == "Gobierno Regional de Moquegua" and entity_of("18").province_ubigeo is None


def test_every_entity_of_the_directory_has_its_first_history_row():
    assert Entity.history.filter(history_type="+").count() == 1898
    first = Entity.history.get(ubigeo="1803")
    assert (first.name, first.history_change_reason) == ("Ilo", REASON)


# --- search ---------------------------------------------------------------------------------------


def found(text):
    return list(Entity.objects.search(text).values_list("ubigeo", flat=True))


@pytest.mark.parametrize("text", ["ilo", "ILO", "  Ilo  "])
def test_search_by_name_ignores_case_and_spaces(text):
    assert found(text) == ["1803", "180302", "180303"]  # the province, and its districts by their province


@pytest.mark.parametrize("text", ["rodríguez de mendoza", "RODRIGUEZ DE MENDOZA", "Rodriguez Mendoza"])
def test_search_forgives_accents_both_ways(text):
    found_codes = found(text)
    assert "0106" in found_codes and all(code.startswith("0106") for code in found_codes)
    assert "02" in found("ancash") and "02" in found("ÁNCASH")


def test_search_words_must_all_match():
    assert found("el algarrobal") == ["180302"]
    assert found("algarrobal moquegua") == ["180302"]
    assert found("algarrobal amazonas") == []


def test_search_by_ubigeo_is_by_prefix():
    assert found("1803") == ["1803", "180302", "180303"]
    assert found("180302") == ["180302"]
    moquegua = found("18")
    assert moquegua[0] == "18" and len(moquegua) == 21 and all(code.startswith("18") for code in moquegua)
    assert found("180301") == []  # the capital district is the province's


@pytest.mark.parametrize("text", ["", "   ", None])
def test_an_empty_search_finds_nothing(text):
    assert found(text) == []


def test_search_finds_a_corrected_display_name():
    lima = entity_of("1501")
    lima.display_name = "Municipalidad Metropolitana de Lima"
    lima.save()
    assert found("metropolitana") == ["1501"]


# --- load_entities: a newer INEI list --------------------------------------------------------------

# A newer list as Excel saves it in Spanish on Windows: latin-1, `;`, and codes whose leading zero
# was dropped (10601). Ilo gets a new district; Rodríguez de Mendoza gets its accent.
NEWER_LIST = (
    "UBIGEO;Departamento;Provincia;Distrito\r\n"
    "180301;Moquegua;Ilo;Ilo\r\n"
    "180302;Moquegua;Ilo;El Algarrobal\r\n"
    "180303;Moquegua;Ilo;Pacocha\r\n"
    "180304;Moquegua;Ilo;Puerto Nuevo\r\n"
    "\r\n"
    "10601;Amazonas;Rodríguez de Mendoza;San Nicolás\r\n"
    "10602;Amazonas;Rodríguez de Mendoza;Chirimoto\r\n"
)


def write(tmp_path, text, encoding="latin-1", name="ubigeos-2025.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def load(path, *options):
    out = io.StringIO()
    call_command("load_entities", str(path), *options, stdout=out)
    return out.getvalue()


def snapshot():
    return (
        list(Entity.objects.order_by("ubigeo").values_list("ubigeo", "kind", "name", "display_name", "province")),
        Entity.history.count(),
    )


def test_a_newer_list_adds_new_districts_and_updates_changed_names(tmp_path):
    output = load(write(tmp_path, NEWER_LIST))
    assert "Directorio cargado: 1 entidades nuevas, 2 actualizadas, 5 sin cambios" in output
    new = entity_of("180304")
    assert (new.kind, new.name, new.department, new.province) == ("distrital", "Puerto Nuevo", "Moquegua", "Ilo")
    assert new.title == "Municipalidad Distrital de Puerto Nuevo"
    assert found("puerto nuevo") == ["180304"]
    mendoza = entity_of("0106")
    assert (mendoza.name, mendoza.province) == ("Rodríguez de Mendoza", "Rodríguez de Mendoza")
    assert mendoza.title == "Municipalidad Provincial de Rodríguez de Mendoza"
    assert entity_of("010602").province == "Rodríguez de Mendoza"
    assert not Entity.objects.filter(ubigeo="180301").exists()  # a capital district stays the province's
    assert found("rodriguez mendoza chirimoto") == ["010602"]


def test_codes_no_longer_listed_are_reported_and_kept(tmp_path):
    output = load(write(tmp_path, NEWER_LIST))
    assert "1891 ya no están en la lista y se conservan: 0101, 010102," in output
    assert Entity.objects.count() == 1899
    assert Entity.objects.filter(ubigeo="0101").exists() and Entity.objects.filter(ubigeo="180102").exists()


def test_each_created_or_updated_entity_gets_a_history_row_and_no_other(tmp_path):
    before = Entity.history.count()
    load(write(tmp_path, NEWER_LIST))
    assert Entity.history.count() == before + 3
    created = Entity.history.get(ubigeo="180304")
    assert (created.history_type, created.name, created.history_change_reason) == ("+", "Puerto Nuevo", REASON)
    latest = Entity.history.filter(ubigeo="0106").order_by("-history_id")
    assert [(row.history_type, row.name) for row in latest] == [
        ("~", "Rodríguez de Mendoza"),
        ("+", "Rodriguez de Mendoza"),
    ]
    assert latest[0].history_change_reason == REASON
    assert Entity.history.filter(ubigeo="010602").count() == 2
    assert Entity.history.filter(ubigeo="180302").count() == 1  # unchanged: no new row


def test_a_corrected_display_name_is_never_touched(tmp_path):
    mendoza = entity_of("0106")
    mendoza.display_name = "Municipalidad Provincial de Rodríguez de Mendoza (corregido)"
    mendoza.save()
    load(write(tmp_path, NEWER_LIST))
    mendoza.refresh_from_db()
    assert mendoza.name == "Rodríguez de Mendoza"
    assert mendoza.display_name == mendoza.title == "Municipalidad Provincial de Rodríguez de Mendoza (corregido)"
    assert Entity.history.filter(ubigeo="0106").latest("history_id").display_name == mendoza.display_name
    assert found("corregido") == ["0106"]  # the corrected name still finds it


def test_loading_the_shipped_list_again_changes_nothing():
    before = Entity.history.count()
    output = load(DEFAULT_LIST)
    assert "0 entidades nuevas, 0 actualizadas, 1898 sin cambios." in output
    assert Entity.history.count() == before


def test_a_corrected_entity_with_an_unchanged_place_is_unchanged_by_the_same_list():
    ilo = entity_of("1803")
    ilo.display_name = "Municipalidad Provincial de Ilo (corregido)"
    ilo.save()
    before = Entity.history.count()
    output = load(DEFAULT_LIST)
    assert "0 actualizadas" in output
    assert Entity.history.count() == before


def test_a_utf8_list_with_commas_loads_too(tmp_path):
    text = "\ufeffubigeo,departamento,provincia,distrito\n180304,Moquegua,Ilo,Puerto Nuevo\n"
    output = load(write(tmp_path, text, encoding="utf-8"))
    assert "1 entidades nuevas, 0 actualizadas, 2 sin cambios" in output
    assert entity_of("180304").name == "Puerto Nuevo"


def test_a_dry_run_says_what_would_change_and_writes_nothing(tmp_path):
    before = snapshot()
    output = load(write(tmp_path, NEWER_LIST), "--dry-run")
    assert "Revisado (sin escribir nada): 1 entidades nuevas, 2 actualizadas, 5 sin cambios" in output
    assert snapshot() == before


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "ubigeo;departamento;provincia\n180304;Moquegua;Ilo\n",
            "Línea 1: faltan las columnas distrito",
        ),
        (
            "codigo;departamento;provincia;distrito\n180304;Moquegua;Ilo;Puerto Nuevo\n",
            "Línea 1: faltan las columnas ubigeo",
        ),
        (
            "ubigeo;departamento;provincia;distrito\n180304;Moquegua;Ilo;Puerto Nuevo\n18O305;Moquegua;Ilo;Otro\n",
            "Línea 3, columna ubigeo: «18O305» no es un ubigeo de distrito (6 dígitos).",
        ),
        (
            "ubigeo;departamento;provincia;distrito\n180304;Moquegua;Ilo;Puerto Nuevo\n1803;Moquegua;Ilo;Ilo\n",
            "Línea 3, columna ubigeo: «1803» no es un ubigeo de distrito",
        ),
        (
            "ubigeo;departamento;provincia;distrito\n180304;Moquegua;Ilo;Puerto Nuevo\n180305;Moquegua;Ilo\n",
            "Línea 3: faltan celdas.",
        ),
        (
            "ubigeo;departamento;provincia;distrito\n180304;Moquegua;Ilo;Puerto Nuevo\n\n180305;Moquegua;;Otro\n",
            "Línea 4: el departamento, la provincia y el distrito son obligatorios.",
        ),
        ("ubigeo;departamento;provincia;distrito\n", "La lista no tiene filas."),
    ],
    ids=["missing-column", "no-ubigeo-column", "letter-in-ubigeo", "province-code", "short-row", "blank-name", "empty"],
)
def test_a_bad_list_is_refused_naming_the_line_and_writes_nothing(tmp_path, text, message):
    path = write(tmp_path, text)
    before = snapshot()
    with pytest.raises(CommandError) as refusal:
        load(path)
    assert message in str(refusal.value)
    assert str(refusal.value).startswith("ubigeos-2025.csv: ") and str(refusal.value).endswith("No se cargó nada.")
    assert snapshot() == before


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No existe el archivo"):
        load(tmp_path / "no-existe.csv")


# --- the admin: only a superuser corrects the name shown ----------------------------------------


def change_url(entity):
    return f"/admin/core/entity/{entity.pk}/change/"


def test_a_superuser_corrects_the_display_name_and_the_history_keeps_before_and_after(client):
    mendoza = entity_of("0106")
    client.force_login(make_user("jefa", is_superuser=True))
    assert client.get(change_url(mendoza)).status_code == 200
    corrected = "Municipalidad Provincial de Rodríguez de Mendoza"
    # The place's name, kind and ubigeo are read-only: a post naming them changes only display_name.
    response = client.post(change_url(mendoza), {"display_name": corrected, "name": "Otro", "ubigeo": "9999"})
    assert response.status_code == 302
    mendoza.refresh_from_db()
    assert (mendoza.display_name, mendoza.title, mendoza.name, mendoza.ubigeo) == (
        corrected,
        corrected,
        "Rodriguez de Mendoza",
        "0106",
    )
    after, before = mendoza.history.order_by("-history_id")[:2]
    assert (before.display_name, after.display_name) == ("", corrected)
    assert after.history_type == "~" and after.history_user.username == "jefa"
    assert [change.field for change in after.diff_against(before).changes] == ["display_name"]
    assert client.get(f"/admin/core/entity/{mendoza.pk}/history/").status_code == 200


def test_a_staff_member_who_is_not_a_superuser_cannot_change_it(client):
    ilo = entity_of("1803")
    client.force_login(make_user("rosa", ROLE_REGISTRADOR, entity=ilo))
    versions = ilo.history.count()
    client.raise_request_exception = False
    response = client.post(change_url(ilo), {"display_name": "Municipalidad de Otro Nombre"})
    assert response.status_code == 403
    ilo.refresh_from_db()
    assert ilo.display_name == "" and ilo.history.count() == versions


@pytest.mark.parametrize("superuser", [False, True], ids=["staff", "superuser"])
def test_a_past_version_of_an_entity_is_read_never_posted_back(client, superuser):
    ilo = entity_of("1803")
    ilo.display_name = "Municipalidad Provincial de Ilo (corregido)"
    ilo.save()
    first = ilo.history.earliest("history_id")
    user = make_user("jefa", is_superuser=True) if superuser else make_user("rosa", ROLE_REGISTRADOR, entity=ilo)
    client.force_login(user)
    url = f"/admin/core/entity/{ilo.pk}/history/{first.history_id}/"
    assert client.get(url).status_code == 200
    versions = ilo.history.count()
    assert client.post(url, {"display_name": ""}).status_code == 403
    ilo.refresh_from_db()
    assert ilo.display_name == "Municipalidad Provincial de Ilo (corregido)" and ilo.history.count() == versions
