from django.urls import translate_url
from django.utils.translation import get_language

from indicators.models import Reading


def site(request):
    """Whether demo readings are loaded (every public page then says so), and the same page in
    the other language."""
    other = "en" if (get_language() or "es").startswith("es") else "es-pe"
    return {
        "demo_data_loaded": Reading.objects.demo().exists(),
        "other_language": other,
        "other_language_url": translate_url(request.path, other),
    }
