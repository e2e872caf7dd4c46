from indicators.models import Reading


def site(request):
    """Whether demo readings are loaded: every public page then says so."""
    return {"demo_data_loaded": Reading.objects.filter(is_demo=True).exists()}
